"""The curation project on disk and the session facade over it: folder and lock, where it is, the journal, versions and their diffs, review sessions, Curation; uses export, curate, load and io."""
