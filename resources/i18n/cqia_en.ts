<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CurationCtl</name>
    <message numerus="yes">
        <source>Recovered %n action(s) since version %1.</source>
        <translation>
            <numerusform>Recovered %n action since version %1.</numerusform>
            <numerusform>Recovered %n actions since version %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FacetPanel</name>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>%n selected</numerusform>
            <numerusform>%n selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Show all (%n more)</source>
        <translation>
            <numerusform>Show all (%n more)</numerusform>
            <numerusform>Show all (%n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GatherDialog</name>
    <message numerus="yes">
        <source>Gather %n curator(s)</source>
        <translation>
            <numerusform>Gather %n curator</numerusform>
            <numerusform>Gather %n curators</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GatherSummary</name>
    <message numerus="yes">
        <source>%n row(s) merge automatically</source>
        <translation>
            <numerusform>%n row merges automatically</numerusform>
            <numerusform>%n rows merge automatically</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n conflict</numerusform>
            <numerusform>%n conflicts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GatherView</name>
    <message numerus="yes">
        <source>This conflict has %n side(s).</source>
        <translation>
            <numerusform>This conflict has %n side.</numerusform>
            <numerusform>This conflict has %n sides.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) still to resolve.</source>
        <translation>
            <numerusform>%n conflict still to resolve.</numerusform>
            <numerusform>%n conflicts still to resolve.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LabelDialog</name>
    <message numerus="yes">
        <source>Labels of %n row(s)</source>
        <translation>
            <numerusform>Labels of %n row</numerusform>
            <numerusform>Labels of %n rows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MergeSummary</name>
    <message numerus="yes">
        <source>%n row(s) merge automatically</source>
        <translation>
            <numerusform>%n row merges automatically</numerusform>
            <numerusform>%n rows merge automatically</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n conflict</numerusform>
            <numerusform>%n conflicts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MergeView</name>
    <message numerus="yes">
        <source>%n conflict(s) still to resolve.</source>
        <translation>
            <numerusform>%n conflict still to resolve.</numerusform>
            <numerusform>%n conflicts still to resolve.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message numerus="yes">
        <source>Note on %n row(s)</source>
        <translation>
            <numerusform>Note on %n row</numerusform>
            <numerusform>Note on %n rows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message numerus="yes">
        <source>Reject %n row(s): the whole filter</source>
        <translation>
            <numerusform>Reject %n row: the whole filter</numerusform>
            <numerusform>Reject %n rows: the whole filter</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n selected row(s)</source>
        <translation>
            <numerusform>Reject %n selected row</numerusform>
            <numerusform>Reject %n selected rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n row(s)</source>
        <translation>
            <numerusform>Reject %n row</numerusform>
            <numerusform>Reject %n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n row(s) with the reason:</source>
        <translation>
            <numerusform>Reject %n row with the reason:</numerusform>
            <numerusform>Reject %n rows with the reason:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject all %n row(s) of the current filter with the reason:</source>
        <translation>
            <numerusform>Reject the %n row of the current filter with the reason:</numerusform>
            <numerusform>Reject all %n rows of the current filter with the reason:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message numerus="yes">
        <source>%n filter(s)</source>
        <translation>
            <numerusform>%n filter</numerusform>
            <numerusform>%n filters</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeamAgreementDialog</name>
    <message numerus="yes">
        <source>&amp;Review %n Disagreement(s)</source>
        <translation>
            <numerusform>&amp;Review %n Disagreement</numerusform>
            <numerusform>&amp;Review %n Disagreements</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_Plurals</name>
    <message numerus="yes">
        <source>%n bad line(s)</source>
        <translation>
            <numerusform>%n bad line</numerusform>
            <numerusform>%n bad lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n LFS pointer(s)</source>
        <translation>
            <numerusform>%n LFS pointer</numerusform>
            <numerusform>%n LFS pointers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped file(s)</source>
        <translation>
            <numerusform>%n skipped file</numerusform>
            <numerusform>%n skipped files</numerusform>
        </translation>
    </message>
</context>
</TS>
