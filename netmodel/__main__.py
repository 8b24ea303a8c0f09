from netmodel.cli import main

raise SystemExit(main())
