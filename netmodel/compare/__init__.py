"""``netmodel diff``: a node's captured state against the model, in model terms.

- :mod:`~netmodel.compare.differences`: every difference between the tables,
  each with the component that should program the entry.
- :mod:`~netmodel.compare.impact`: the walks through that node, re-traced on the
  captured state; the ones whose outcome changes, and the differences they use.
- :mod:`~netmodel.compare.report`: the text, in English or Chinese.
"""
