"""What the browser tests run to open what hides a figure, as a reader opens it."""

# Opens what hides a figure, as a reader would: every content tab around it
# (innermost last), then, in a walk, the radio buttons of its endpoint and leg.
REVEAL = """svg => {
  for (let block = svg.closest('.tabbed-block'); block;
       block = block.parentElement.closest('.tabbed-block')) {
    const index = [...block.parentElement.children].indexOf(block);
    block.closest('.tabbed-set').querySelector(':scope > .tabbed-labels')
      .children[index].click();
  }
  const walk = svg.closest('.nm-walk');
  if (walk) {
    const variant = svg.closest('.nm-variant').dataset.v;
    const leg = svg.closest('.nm-view').dataset.leg;
    for (const [name, value] of [['v', variant], ['leg', leg]]) {
      const input = walk.querySelector(`input[name="${walk.id}-${name}"][value="${value}"]`);
      if (input) input.closest('label').click();
    }
  }
}"""
