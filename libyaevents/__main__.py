from libyaevents.cli import main

raise SystemExit(main())
