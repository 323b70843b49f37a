"""`python -m app bench`: the app's speed budgets measured beside bare baselines, in one run.

The verb itself is the CLI's (app/cli/tool_verbs.py); the bench never imports the CLI.
Modules: runner (the run), measures_* (one family of figures each, parent and child
side), child (in-process figures in a fresh process: the registry of their groups), job
(what an in-process measurement gets and uses), proc (fresh processes), releases
(synthetic releases, cached), budgets (every budget from the issues), table (output).
"""
