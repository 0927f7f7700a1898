"""The rule lifecycle: what happens to a rule folder between an analyst's edit and a past decision.

    kinds.py      the decision kinds a scenario or a replay can name (grading, gates, reviewers, tables)
    scenarios.py  scenarios/*.yaml beside the rules: load, run, report failures
    bundle.py     a rule folder frozen as one bundle: every file's text, the folder hash, versions
    dates.py      effective dates: days in China Standard Time
    diff.py       what changed between two rule folders or bundles, in words
    replay.py     logged decisions re-decided under candidate rules (the batch paths)

Pure: no service, no database. The service stores bundles and reads the log; this
package decides what they mean.
"""
