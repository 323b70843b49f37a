<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>Fi&amp;lter</source>
        <translation>筛选(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>审阅(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Team</source>
        <translation>团队(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Analyse</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Open File…</source>
        <translation>打开文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Open &amp;Demo Release</source>
        <translation>打开示例数据(&amp;D)</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>重新加载(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Cancel Loading</source>
        <translation>取消加载(&amp;C)</translation>
    </message>
    <message>
        <source>Load &amp;Report…</source>
        <translation>加载报告(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Save Version…</source>
        <translation>保存版本(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Export Curated Release…</source>
        <translation>导出整理后的数据(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Merge Version…</source>
        <translation>合并版本(&amp;M)…</translation>
    </message>
    <message>
        <source>Keep Curation Project &amp;In…</source>
        <translation>整理项目存放位置(&amp;I)…</translation>
    </message>
    <message>
        <source>Curation &amp;Preferences…</source>
        <translation>整理偏好设置(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit Texts</source>
        <translation>编辑文本(&amp;E)</translation>
    </message>
    <message>
        <source>Set &amp;Labels…</source>
        <translation>设置标签(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Accept</source>
        <translation>通过(&amp;A)</translation>
    </message>
    <message>
        <source>Re&amp;ject…</source>
        <translation>拒绝(&amp;J)…</translation>
    </message>
    <message>
        <source>Re&amp;store (Clear Decision)</source>
        <translation>恢复（清除决定）(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Note…</source>
        <translation>备注(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Flag to Come Back Later</source>
        <translation>标记稍后再看(&amp;F)</translation>
    </message>
    <message>
        <source>Accept All in &amp;Filter…</source>
        <translation>通过筛选中的全部(&amp;F)…</translation>
    </message>
    <message>
        <source>Reject All in Fil&amp;ter…</source>
        <translation>拒绝筛选中的全部(&amp;T)…</translation>
    </message>
    <message>
        <source>Set Labels on All in Filte&amp;r…</source>
        <translation>为筛选中的全部设置标签(&amp;R)…</translation>
    </message>
    <message>
        <source>Convert to &amp;Simplified</source>
        <translation>转为简体(&amp;S)</translation>
    </message>
    <message>
        <source>Convert All in Filter to Simplified…</source>
        <translation>把筛选中的全部转为简体…</translation>
    </message>
    <message>
        <source>&amp;Delete Turn…</source>
        <translation>删除轮次(&amp;D)…</translation>
    </message>
    <message>
        <source>S&amp;wap Chosen and Rejected</source>
        <translation>交换选中与拒绝回答(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Map Fields of This File…</source>
        <translation>映射此文件的字段(&amp;M)…</translation>
    </message>
    <message>
        <source>Copy &amp;Locator (file:line)</source>
        <translation>复制位置(&amp;L)（文件:行）</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Next Match</source>
        <translation>下一个匹配(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous Match</source>
        <translation>上一个匹配(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Clear Search</source>
        <translation>清除搜索(&amp;C)</translation>
    </message>
    <message>
        <source>Clear &amp;All Filters</source>
        <translation>清除全部筛选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy View as Text</source>
        <translation>复制视图为文本(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste View</source>
        <translation>粘贴视图(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Save View As…</source>
        <translation>保存视图为(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Open Saved View…</source>
        <translation>打开已存视图(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Delete Saved View…</source>
        <translation>删除已存视图(&amp;D)…</translation>
    </message>
    <message>
        <source>Focus &amp;Facets</source>
        <translation>聚焦分面(&amp;F)</translation>
    </message>
    <message>
        <source>Focus &amp;Table</source>
        <translation>聚焦表格(&amp;T)</translation>
    </message>
    <message>
        <source>Focus &amp;Detail</source>
        <translation>聚焦详情(&amp;D)</translation>
    </message>
    <message>
        <source>Choose &amp;Columns…</source>
        <translation>选择列(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>历史(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Stale Decisions</source>
        <translation>失效的决定(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Dark Theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Reset Zoom</source>
        <translation>重置缩放(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;System Language</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;English</source>
        <translation>English (&amp;E)</translation>
    </message>
    <message>
        <source>简体中文 (&amp;Chinese)</source>
        <translation>简体中文(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Review Mode</source>
        <translation>审阅模式(&amp;R)</translation>
    </message>
    <message>
        <source>Resume &amp;Last Review Session</source>
        <translation>继续上次审阅(&amp;L)</translation>
    </message>
    <message>
        <source>Only &amp;Unreviewed Items</source>
        <translation>只看未审阅项(&amp;U)</translation>
    </message>
    <message>
        <source>Only &amp;My Team Queue</source>
        <translation>只看我的团队队列(&amp;M)</translation>
    </message>
    <message>
        <source>Review &amp;Keys and Reasons…</source>
        <translation>审阅按键与理由(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;Open My Team Queue…</source>
        <translation>打开我的团队队列(&amp;O)…</translation>
    </message>
    <message>
        <source>Team &amp;Progress</source>
        <translation>团队进度(&amp;P)</translation>
    </message>
    <message>
        <source>Team &amp;Agreement…</source>
        <translation>团队一致性(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Gather Team Versions…</source>
        <translation>汇总团队版本(&amp;G)…</translation>
    </message>
    <message>
        <source>Run &amp;Text Analysis</source>
        <translation>运行文本分析(&amp;T)</translation>
    </message>
    <message>
        <source>Find &amp;Near Duplicates</source>
        <translation>查找近似重复(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Cancel Analysis</source>
        <translation>取消分析(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>统计面板(&amp;D)</translation>
    </message>
    <message>
        <source>Instruction Di&amp;versity</source>
        <translation>指令多样性(&amp;V)</translation>
    </message>
    <message>
        <source>Quality &amp;Signals</source>
        <translation>质量信号(&amp;S)</translation>
    </message>
    <message>
        <source>Benchmark &amp;Contamination…</source>
        <translation>基准测试污染(&amp;C)…</translation>
    </message>
    <message>
        <source>Re&amp;ject Contaminated Rows in Filter…</source>
        <translation>拒绝筛选中受污染的行(&amp;J)…</translation>
    </message>
    <message>
        <source>Ne&amp;xt Near-Duplicate Cluster</source>
        <translation>下一个近似重复簇(&amp;X)</translation>
    </message>
    <message>
        <source>Pre&amp;vious Near-Duplicate Cluster</source>
        <translation>上一个近似重复簇(&amp;V)</translation>
    </message>
    <message>
        <source>Curator &amp;Agreement…</source>
        <translation>审校员一致性(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;User Dictionary…</source>
        <translation>用户词典(&amp;U)…</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About CQIA Curator</source>
        <translation>关于 CQIA Curator(&amp;A)</translation>
    </message>
</context>
<context>
    <name>AgreementDialog</name>
    <message>
        <source>Curator agreement</source>
        <translation>审校员一致性</translation>
    </message>
    <message>
        <source>Rows both curators accepted or rejected; kappa corrects the agreement for chance.</source>
        <translation>两位审校员都已接受或拒绝的条目；kappa 系数扣除了偶然一致。</translation>
    </message>
    <message>
        <source>No rows were decided by both curators.</source>
        <translation>没有两位审校员都已决定的条目。</translation>
    </message>
    <message>
        <source>&amp;Copy as Text</source>
        <translation>复制为文本(&amp;C)</translation>
    </message>
</context>
<context>
    <name>AgreementModel</name>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Both decided</source>
        <translation>共同决定</translation>
    </message>
    <message>
        <source>Agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>一致率</translation>
    </message>
    <message>
        <source>Kappa</source>
        <translation>Kappa</translation>
    </message>
    <message>
        <source>Both accept</source>
        <translation>都接受</translation>
    </message>
    <message>
        <source>Both reject</source>
        <translation>都拒绝</translation>
    </message>
    <message>
        <source>I accept, they reject</source>
        <translation>我接受，对方拒绝</translation>
    </message>
    <message>
        <source>I reject, they accept</source>
        <translation>我拒绝，对方接受</translation>
    </message>
    <message>
        <source>(all sources)</source>
        <translation>（全部来源）</translation>
    </message>
</context>
<context>
    <name>AnalysisCtl</name>
    <message>
        <source>The text analysis cache is out of date for %1 rows: run Analyse &gt; Run Text Analysis to update it.</source>
        <translation>文本分析缓存中有 %1 行已过期：请运行“分析 &gt; 运行文本分析”更新。</translation>
    </message>
    <message>
        <source>Analysis failed (%1): %2</source>
        <translation>分析失败（%1）：%2</translation>
    </message>
</context>
<context>
    <name>AnalysisDock</name>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>统计面板</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>Near duplicates</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>质量信号</translation>
    </message>
    <message>
        <source>Contamination</source>
        <translation>基准污染</translation>
    </message>
</context>
<context>
    <name>AnalysisProgress</name>
    <message>
        <source>Checking quality signals…</source>
        <translation>正在检查质量信号…</translation>
    </message>
    <message>
        <source>Text analysis (jieba)…</source>
        <translation>正在进行文本分析（jieba）…</translation>
    </message>
    <message>
        <source>Finding near duplicates…</source>
        <translation>正在查找近似重复…</translation>
    </message>
    <message>
        <source>Checking benchmark contamination…</source>
        <translation>正在检查基准测试污染…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the analysis (Analyse &gt; Cancel Analysis)</source>
        <translation>停止分析（分析 &gt; 取消分析）</translation>
    </message>
</context>
<context>
    <name>AnalysisUi</name>
    <message>
        <source>Open a release first.</source>
        <translation>请先打开一个发布版本。</translation>
    </message>
    <message>
        <source>Analysis cancelled.</source>
        <translation>分析已取消。</translation>
    </message>
    <message>
        <source>The user dictionary is kept in the curation project, and none is open for writing.</source>
        <translation>用户词典保存在整理项目中，但当前没有可写入的项目。</translation>
    </message>
    <message>
        <source>Text analysis ready: word counts, verbs and objects, whole-word search.</source>
        <translation>文本分析完成：词数、动词与宾语、整词搜索均可用。</translation>
    </message>
</context>
<context>
    <name>BrowseSession</name>
    <message>
        <source>Loading cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>ChangeLabels</name>
    <message>
        <source>instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>task major</source>
        <translation>任务大类</translation>
    </message>
    <message>
        <source>task minor</source>
        <translation>任务细类</translation>
    </message>
    <message>
        <source>domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Reject %n rows: %r</source>
        <translation>拒绝 %n 行：%r</translation>
    </message>
    <message>
        <source>Reject %n rows</source>
        <translation>拒绝 %n 行</translation>
    </message>
    <message>
        <source>Accept %n rows</source>
        <translation>通过 %n 行</translation>
    </message>
    <message>
        <source>Restore %n rows</source>
        <translation>恢复 %n 行</translation>
    </message>
    <message>
        <source>Edit %f of %n rows</source>
        <translation>编辑 %n 行的%f</translation>
    </message>
    <message>
        <source>Edit %f</source>
        <translation>编辑%f</translation>
    </message>
    <message>
        <source>Set %f to %v on %n rows</source>
        <translation>把 %n 行的%f设为 %v</translation>
    </message>
    <message>
        <source>Add %f %v on %n rows</source>
        <translation>为 %n 行添加%f %v</translation>
    </message>
    <message>
        <source>Remove %f %v on %n rows</source>
        <translation>从 %n 行移除%f %v</translation>
    </message>
    <message>
        <source>Revert %n rows</source>
        <translation>还原 %n 行</translation>
    </message>
    <message>
        <source>Revert %n rows to the release</source>
        <translation>把 %n 行还原为原始数据</translation>
    </message>
    <message>
        <source>Revert %n rows to version %v</source>
        <translation>把 %n 行还原到版本 %v</translation>
    </message>
    <message>
        <source>Convert %n rows to Simplified</source>
        <translation>把 %n 行转为简体</translation>
    </message>
    <message>
        <source>Convert to Simplified</source>
        <translation>转为简体</translation>
    </message>
    <message>
        <source>Go back to the release</source>
        <translation>回到原始数据</translation>
    </message>
    <message>
        <source>Go back to version %v</source>
        <translation>回到版本 %v</translation>
    </message>
</context>
<context>
    <name>ChartCard</name>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation>保存 %1</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>Save the chart as a PNG image</source>
        <translation>将图表保存为 PNG 图片</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>Save the numbers as CSV</source>
        <translation>将数据保存为 CSV</translation>
    </message>
    <message>
        <source>Word counts appear after Analyse &gt; Run Text Analysis.</source>
        <translation>运行“分析 &gt; 运行文本分析”后显示词数。</translation>
    </message>
    <message>
        <source>No rows.</source>
        <translation>没有数据行。</translation>
    </message>
</context>
<context>
    <name>ClustersModel</name>
    <message>
        <source>Cluster</source>
        <translation>簇</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>First instruction</source>
        <translation>首行指令</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Open release file(s)</source>
        <translation>打开数据文件</translation>
    </message>
    <message>
        <source>Open release folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>已复制 %1</translation>
    </message>
    <message>
        <source>View copied to the clipboard.</source>
        <translation>视图已复制到剪贴板。</translation>
    </message>
    <message>
        <source>The clipboard does not hold a view: %1</source>
        <translation>剪贴板中不是视图：%1</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Name of this view:</source>
        <translation>视图名称：</translation>
    </message>
    <message>
        <source>Could not save the view: %1</source>
        <translation>无法保存视图：%1</translation>
    </message>
    <message>
        <source>View saved as %1</source>
        <translation>视图已保存为 %1</translation>
    </message>
    <message>
        <source>Open saved view</source>
        <translation>打开已存视图</translation>
    </message>
    <message>
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <source>No saved views yet (Filter &gt; Save View As…).</source>
        <translation>还没有保存的视图（筛选 &gt; 保存视图为…）。</translation>
    </message>
    <message>
        <source>Could not open the view: %1</source>
        <translation>无法打开视图：%1</translation>
    </message>
    <message>
        <source>Delete saved view</source>
        <translation>删除已存视图</translation>
    </message>
    <message>
        <source>Deleted view %1</source>
        <translation>已删除视图 %1</translation>
    </message>
    <message>
        <source>Could not delete the view: %1</source>
        <translation>无法删除视图：%1</translation>
    </message>
    <message>
        <source>About CQIA Curator</source>
        <translation>关于 CQIA Curator</translation>
    </message>
    <message>
        <source>%1

Browse, filter and curate COIG-CQIA style instruction-tuning releases.</source>
        <translation>%1

浏览、筛选和整理 COIG-CQIA 格式的指令微调数据。</translation>
    </message>
</context>
<context>
    <name>ConflictsModel</name>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>different values</source>
        <translation>取值不同</translation>
    </message>
    <message>
        <source>different labels</source>
        <translation>标签不同</translation>
    </message>
    <message>
        <source>different decisions</source>
        <translation>决定不同</translation>
    </message>
    <message>
        <source>edit vs reject</source>
        <translation>编辑与拒绝冲突</translation>
    </message>
    <message>
        <source>turn deleted vs edited</source>
        <translation>删除轮次 vs 编辑</translation>
    </message>
    <message>
        <source>different notes</source>
        <translation>不同的备注</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>theirs</source>
        <translation>对方的</translation>
    </message>
    <message>
        <source>both</source>
        <translation>两者</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
</context>
<context>
    <name>ContaminationPanel</name>
    <message>
        <source>Benchmarks: %1</source>
        <translation>基准测试：%1</translation>
    </message>
    <message>
        <source>Benchmarks: none chosen. Add the folders or files of the benchmarks (CSV with a question column, JSON, JSONL, Parquet).</source>
        <translation>基准测试：尚未选择。请添加基准测试的文件夹或文件（含 question 列的 CSV、JSON、JSONL、Parquet）。</translation>
    </message>
    <message>
        <source>Checking the rows against the benchmarks…</source>
        <translation>正在用基准测试检查各行…</translation>
    </message>
    <message>
        <source>The benchmarks could not be read (see the status bar).</source>
        <translation>无法读取基准测试（见状态栏）。</translation>
    </message>
    <message>
        <source>%1 rows of %2 share a %3-character n-gram with one of %4 questions (%5 of them long enough for one). The Benchmark contamination facet filters them by overlap: the share of the question&apos;s n-grams the row holds.</source>
        <translation>%2 行中有 %1 行与 %4 道题中的某一道共有 %3 字的 n-gram（其中 %5 道题长到足以有 n-gram）。“基准测试污染”分面按重合度筛选：该行含有的题目 n-gram 的比例。</translation>
    </message>
    <message>
        <source>Add benchmarks, then Run.</source>
        <translation>请添加基准测试，然后运行。</translation>
    </message>
    <message>
        <source>This row (instruction + input)</source>
        <translation>本行（指令 + 输入）</translation>
    </message>
    <message>
        <source>Benchmark question: none shares an n-gram with this row</source>
        <translation>基准测试题目：没有题目与本行共有 n-gram</translation>
    </message>
    <message>
        <source>Benchmark question: %1, overlap %2</source>
        <translation>基准测试题目：%1，重合度 %2</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>&amp;n-gram:</source>
        <translation>n-gram(&amp;N)：</translation>
    </message>
    <message>
        <source>Characters per n-gram after normalising (13 by default; shorter questions are not seen, a shorter n-gram also matches common phrases)</source>
        <translation>规范化后每个 n-gram 的字数（默认 13；更短的题目无法检出，更短的 n-gram 也会匹配常见短语）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Reject Contaminated Rows in Filter…</source>
        <translation>拒绝筛选中受污染的行…</translation>
    </message>
</context>
<context>
    <name>ContaminationUi</name>
    <message>
        <source>Add a benchmark folder</source>
        <translation>添加基准测试文件夹</translation>
    </message>
    <message>
        <source>Add benchmark files</source>
        <translation>添加基准测试文件</translation>
    </message>
    <message>
        <source>Add the benchmarks to check against first.</source>
        <translation>请先添加用于检查的基准测试。</translation>
    </message>
    <message>
        <source>Open a release first.</source>
        <translation>请先打开数据。</translation>
    </message>
    <message>
        <source>Run Analyse &gt; Benchmark Contamination first.</source>
        <translation>请先运行“分析 &gt; 基准测试污染”。</translation>
    </message>
    <message>
        <source>No row of the current filter shares text with a benchmark question.</source>
        <translation>当前筛选中没有与基准测试题目共有文字的行。</translation>
    </message>
    <message>
        <source>Reject %1 rows of the current filter that share text with a benchmark question, with the reason “%2”?</source>
        <translation>以理由“%2”拒绝当前筛选中与基准测试题目共有文字的 %1 行？</translation>
    </message>
    <message>
        <source>Benchmark contamination: %1</source>
        <translation>基准测试污染：%1</translation>
    </message>
</context>
<context>
    <name>CurateCommands</name>
    <message>
        <source>Read-only: %1</source>
        <translation>只读：%1</translation>
    </message>
    <message>
        <source>No rows to act on.</source>
        <translation>没有可操作的行。</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Applying to %1 rows…</source>
        <translation>正在应用到 %1 行…</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有变化。</translation>
    </message>
    <message>
        <source>Reject %1 rows%2 with the reason “%3”?</source>
        <translation>以理由“%3”拒绝 %1 行%2？</translation>
    </message>
    <message>
        <source> (the whole current filter)</source>
        <translation>（当前筛选的全部）</translation>
    </message>
    <message>
        <source>Accept %1 rows%2?</source>
        <translation>通过 %1 行%2？</translation>
    </message>
    <message>
        <source>Restore %1 rows (clear their accept/reject decision)?</source>
        <translation>恢复 %1 行（清除通过/拒绝决定）？</translation>
    </message>
    <message>
        <source>Convert the texts of %1 rows%2 to Simplified characters?</source>
        <translation>把 %1 行%2的文本转为简体字？</translation>
    </message>
    <message>
        <source>Select a row to edit.</source>
        <translation>请先选择要编辑的行。</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>%1 %2 “%3” on %4 rows%5?</source>
        <translation>对 %4 行%5%1%2“%3”？</translation>
    </message>
    <message>
        <source>Undone: %1</source>
        <translation>已撤销：%1</translation>
    </message>
    <message>
        <source>Redone: %1</source>
        <translation>已重做：%1</translation>
    </message>
    <message>
        <source>Saved version %1 (%2 changed rows).</source>
        <translation>已保存版本 %1（%2 行有改动）。</translation>
    </message>
    <message>
        <source>Open a release first.</source>
        <translation>请先打开数据。</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Reading their version…</source>
        <translation>正在读取对方的版本…</translation>
    </message>
    <message>
        <source>Comparing decisions…</source>
        <translation>正在比较决定…</translation>
    </message>
    <message>
        <source>Preferences saved.</source>
        <translation>偏好设置已保存。</translation>
    </message>
    <message>
        <source>Keep the curation project in folder</source>
        <translation>把整理项目放在文件夹</translation>
    </message>
    <message>
        <source>Choose a folder outside the release: release files are never written.</source>
        <translation>请选择数据文件夹以外的位置：永远不会写入原始数据文件。</translation>
    </message>
    <message>
        <source>The curation project is now in %1</source>
        <translation>整理项目现在位于 %1</translation>
    </message>
</context>
<context>
    <name>CurateUi</name>
    <message>
        <source>The curation journal is damaged</source>
        <translation>修订日志已损坏</translation>
    </message>
    <message>
        <source>%1

The project is shown as it was before that line, read-only. Keep this state and go on curating? The journal&apos;s lines from the damaged one on are moved to a file beside it, never deleted.</source>
        <translation>%1

项目以该行之前的状态只读显示。保留此状态并继续修订吗？日志中从损坏行起的各行会移到旁边的一个文件中，绝不删除。</translation>
    </message>
    <message>
        <source>Keep this state</source>
        <translation>保留此状态</translation>
    </message>
    <message>
        <source>Stay read-only</source>
        <translation>保持只读</translation>
    </message>
    <message>
        <source>Opened read-only</source>
        <translation>以只读方式打开</translation>
    </message>
    <message>
        <source>This curation project is open in another window or process, so it is shown read-only here: %1</source>
        <translation>此整理项目已在另一个窗口或进程中打开，因此这里以只读方式显示：%1</translation>
    </message>
    <message>
        <source>Curation</source>
        <translation>整理</translation>
    </message>
    <message>
        <source>Applying a bulk action…</source>
        <translation>正在执行批量操作…</translation>
    </message>
    <message>
        <source>Viewing version %1 (read-only)</source>
        <translation>正在查看版本 %1（只读）</translation>
    </message>
    <message>
        <source>Read-only: %1</source>
        <translation>只读：%1</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <source>no version yet</source>
        <translation>尚无版本</translation>
    </message>
    <message>
        <source>unsaved changes</source>
        <translation>有未保存的更改</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>撤销 %1(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation>重做 %1(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Stale Decisions</source>
        <translation>失效的决定</translation>
    </message>
</context>
<context>
    <name>CurationCtl</name>
    <message>
        <source>The action failed: %1. Nothing was changed.</source>
        <translation>操作失败：%1。没有做任何更改。</translation>
    </message>
    <message>
        <source>no release is open</source>
        <translation>没有打开的数据</translation>
    </message>
    <message>
        <source>showing version %1; go back to the current state to edit</source>
        <translation>正在显示版本 %1；回到当前状态才能编辑</translation>
    </message>
    <message>
        <source>Still applying the previous bulk action; try again in a moment.</source>
        <translation>上一个批量操作仍在进行，请稍后再试。</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n action(s) since version %1.</source>
        <translation>
            <numerusform>已恢复自版本 %1 以来的 %n 个操作。</numerusform>
        </translation>
    </message>
    <message>
        <source>The curation project could not be opened: %1</source>
        <translation>无法打开整理项目：%1</translation>
    </message>
    <message>
        <source>The project could not be moved: %1</source>
        <translation>无法移动项目：%1</translation>
    </message>
    <message>
        <source>The review-session log could not be copied: %1</source>
        <translation>无法复制审阅会话记录：%1</translation>
    </message>
    <message>
        <source>The damaged part of the journal could not be set aside: %1</source>
        <translation>无法把日志中损坏的部分另存：%1</translation>
    </message>
    <message>
        <source>Version %1 cannot be shown: %2</source>
        <translation>无法显示版本 %1：%2</translation>
    </message>
    <message>
        <source>Open a release first.</source>
        <translation>请先打开数据。</translation>
    </message>
    <message>
        <source>Read-only: %1</source>
        <translation>只读：%1</translation>
    </message>
    <message>
        <source>Could not write %1: %2. Nothing was changed; your earlier work is safe.</source>
        <translation>无法写入 %1：%2。没有做任何更改；之前的工作是安全的。</translation>
    </message>
    <message>
        <source>The action failed: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <source>Could not save the version to %1: %2. Nothing was lost: every change is still in the journal and in memory.</source>
        <translation>无法把版本保存到 %1：%2。没有丢失任何内容：所有更改仍在日志和内存中。</translation>
    </message>
    <message>
        <source>Could not save the version: %1</source>
        <translation>无法保存版本：%1</translation>
    </message>
</context>
<context>
    <name>DashboardTab</name>
    <message>
        <source>Rows per source and subset (Table 1)</source>
        <translation>各来源与子集的行数（表 1）</translation>
    </message>
    <message>
        <source>Task types, major (Figure 2)</source>
        <translation>任务类型：大类（图 2）</translation>
    </message>
    <message>
        <source>Task types, minor (top 20)</source>
        <translation>任务类型：小类（前 20）</translation>
    </message>
    <message>
        <source>Instruction length in characters (Figure 3)</source>
        <translation>指令长度（字符，图 3）</translation>
    </message>
    <message>
        <source>Instruction length in words (Figure 3)</source>
        <translation>指令长度（词，图 3）</translation>
    </message>
    <message>
        <source>Output length in characters (Figure 3)</source>
        <translation>输出长度（字符，图 3）</translation>
    </message>
    <message>
        <source>Output length in words (Figure 3)</source>
        <translation>输出长度（词，图 3）</translation>
    </message>
    <message>
        <source>Rows per format</source>
        <translation>每种格式的条数</translation>
    </message>
    <message>
        <source>Turns per row</source>
        <translation>每条的轮数</translation>
    </message>
    <message>
        <source>Rows per role present</source>
        <translation>含各角色的条数</translation>
    </message>
    <message>
        <source>User turn length in characters</source>
        <translation>用户轮次长度（字符）</translation>
    </message>
    <message>
        <source>Assistant turn length in characters</source>
        <translation>助手轮次长度（字符）</translation>
    </message>
    <message>
        <source>System text length in characters</source>
        <translation>系统提示长度（字符）</translation>
    </message>
    <message>
        <source>Answer source</source>
        <translation>回答来源</translation>
    </message>
    <message>
        <source>Human verified</source>
        <translation>人工核验</translation>
    </message>
    <message>
        <source>Curation status per source</source>
        <translation>各来源的整理状态</translation>
    </message>
    <message>
        <source>Reject reasons per source</source>
        <translation>各来源的拒绝原因</translation>
    </message>
    <message>
        <source>Decisions per curator</source>
        <translation>各整理者的决定</translation>
    </message>
    <message>
        <source>other (%1 sources)</source>
        <translation>其他（%1 个来源）</translation>
    </message>
    <message>
        <source>Statistics of the %1 rows in the current filter.</source>
        <translation>当前筛选中 %1 行的统计。</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
</context>
<context>
    <name>DetailView</name>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Answer from</source>
        <translation>答案来源</translation>
    </message>
    <message>
        <source>Human verified</source>
        <translation>人工核验</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <source>Copyright</source>
        <translation>版权</translation>
    </message>
    <message>
        <source>Locator</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the locator (file:line) to the clipboard</source>
        <translation>把位置（文件:行）复制到剪贴板</translation>
    </message>
</context>
<context>
    <name>DiversityChart</name>
    <message>
        <source>%1 · other objects</source>
        <translation>%1 · 其他宾语</translation>
    </message>
    <message>
        <source>%1: %2 rows (click to filter)</source>
        <translation>%1：%2 行（点击筛选）</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Instruction diversity: the 20 most frequent verbs and their 4 most frequent objects, in the current filter. Click a verb or an object to filter.</source>
        <translation>指令多样性：当前筛选中最常见的 20 个动词及其最常见的 4 个宾语。点击动词或宾语即可筛选。</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>Run Analyse &gt; Run Text Analysis to find each instruction&apos;s verb and object.</source>
        <translation>运行“分析 &gt; 运行文本分析”以找出每条指令的动词和宾语。</translation>
    </message>
    <message>
        <source>No verbs in these rows.</source>
        <translation>这些行中没有动词。</translation>
    </message>
</context>
<context>
    <name>EditingActions</name>
    <message>
        <source>Editing — Tab: next field · Ctrl+Enter: save, accept and go on · Esc: cancel</source>
        <translation>编辑中 — Tab：下一字段 · Ctrl+Enter：保存、通过并继续 · Esc：取消</translation>
    </message>
    <message>
        <source>Task labels</source>
        <translation>任务标签</translation>
    </message>
    <message>
        <source>Task (major)</source>
        <translation>任务（大类）</translation>
    </message>
    <message>
        <source>Task (minor)</source>
        <translation>任务（细类）</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export curated release</source>
        <translation>导出整理后的数据</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>One file</source>
        <translation>单个文件</translation>
    </message>
    <message>
        <source>The input&apos;s folder tree</source>
        <translation>与输入相同的文件夹结构</translation>
    </message>
    <message>
        <source>Keep rejected rows, marked with &quot;_curation&quot;</source>
        <translation>保留被拒绝的行，并用 &quot;_curation&quot; 标记</translation>
    </message>
    <message>
        <source>All rows</source>
        <translation>全部行</translation>
    </message>
    <message>
        <source>Rows of the current filter (%1)</source>
        <translation>当前筛选的行（%1）</translation>
    </message>
    <message>
        <source>Accepted rows only</source>
        <translation>仅已接受的行</translation>
    </message>
    <message>
        <source>Add where each row came from (&quot;_source&quot;: file, line, subset, source)</source>
        <translation>附上每行的出处（&quot;_source&quot;：文件、行号、子集、来源）</translation>
    </message>
    <message>
        <source>Add notes and flags (&quot;_curation&quot;: note, flagged)</source>
        <translation>写入备注和标记（&quot;_curation&quot;：note、flagged）</translation>
    </message>
    <message>
        <source>Current state</source>
        <translation>当前状态</translation>
    </message>
    <message>
        <source>Version %1: %2</source>
        <translation>版本 %1：%2</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export:</source>
        <translation>导出：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>到：</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>布局：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <source>Export into folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Export to file</source>
        <translation>导出到文件</translation>
    </message>
    <message>
        <source>Choose where to export to.</source>
        <translation>请选择导出位置。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>已取消导出。</translation>
    </message>
    <message>
        <source>Exported %1 rows (%2 edited, %3 rejected left out, %4 kept marked) to %5</source>
        <translation>已导出 %1 行（%2 行已编辑，%3 行被拒绝未导出，%4 行保留并标记）到 %5</translation>
    </message>
    <message>
        <source>(%1 rows not chosen left out)</source>
        <translation>（未选中的 %1 行未导出）</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>FacetPanel</name>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Subset</source>
        <translation>子集</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Task (minor)</source>
        <translation>任务（细类）</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Answer from</source>
        <translation>答案来源</translation>
    </message>
    <message>
        <source>Human verified</source>
        <translation>人工核验</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Turns</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Benchmark contamination</source>
        <translation>基准测试污染</translation>
    </message>
    <message>
        <source>Instruction verb</source>
        <translation>指令动词</translation>
    </message>
    <message>
        <source>Instruction object</source>
        <translation>指令宾语</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Reject reason</source>
        <translation>拒绝理由</translation>
    </message>
    <message>
        <source>Curator</source>
        <translation>审校员</translation>
    </message>
    <message>
        <source>Noted</source>
        <translation>有备注</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未设置）</translation>
    </message>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>已选 %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Show all (%n more)</source>
        <translation>
            <numerusform>显示全部（另有 %n 项）</numerusform>
        </translation>
    </message>
    <message>
        <source>Show fewer</source>
        <translation>收起</translation>
    </message>
    <message>
        <source>Include (OR)</source>
        <translation>包含（或）</translation>
    </message>
    <message>
        <source>Exclude (NOT)</source>
        <translation>排除（非）</translation>
    </message>
    <message>
        <source>Clear %1</source>
        <translation>清除%1</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Clear all filters</source>
        <translation>清除全部筛选</translation>
    </message>
    <message>
        <source>Facet</source>
        <translation>分面</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
</context>
<context>
    <name>GatherDialog</name>
    <message numerus="yes">
        <source>Gather %n curator(s)</source>
        <translation>
            <numerusform>汇总 %n 位审校员</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GatherModel</name>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Curators</source>
        <translation>审校员</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>all together</source>
        <translation>全部合并</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>我的</translation>
    </message>
</context>
<context>
    <name>GatherSummary</name>
    <message>
        <source>%1&apos;s %2</source>
        <translation>%1 的 %2</translation>
    </message>
    <message>
        <source>Nothing to gather: every curator&apos;s version is already part of this project&apos;s history</source>
        <translation>无需汇总：每位审校员的版本都已在本项目的历史中</translation>
    </message>
    <message>
        <source>Nothing to gather: %1 add nothing this project lacks</source>
        <translation>无需汇总：%1 没有本项目缺少的更改</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%2 的 %1</translation>
    </message>
    <message>
        <source>the base release</source>
        <translation>原始数据</translation>
    </message>
    <message>
        <source>Gathering %1 against %2: %3, %4</source>
        <translation>以 %2 为基础汇总 %1：%3，%4</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) merge automatically</source>
        <translation>
            <numerusform>%n 行自动合并</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GatherView</name>
    <message>
        <source>%1 does not apply to this conflict.</source>
        <translation>%1 不适用于这个冲突。</translation>
    </message>
    <message>
        <source>All conflicts are resolved: press Enter or Ctrl+S to save.</source>
        <translation>所有冲突均已处理：按 Enter 或 Ctrl+S 保存。</translation>
    </message>
    <message numerus="yes">
        <source>This conflict has %n side(s).</source>
        <translation>
            <numerusform>这个冲突有 %n 方。</numerusform>
        </translation>
    </message>
    <message>
        <source>Decisions cannot be typed; choose a curator&apos;s side with 1-%1.</source>
        <translation>决定不能手动输入；请用 1-%1 选择一位审校员的一方。</translation>
    </message>
    <message>
        <source>Editing: Ctrl+Enter keeps this text, Esc cancels.</source>
        <translation>编辑中：Ctrl+Enter 保留此文本，Esc 取消。</translation>
    </message>
    <message>
        <source>Edit cancelled.</source>
        <translation>已取消编辑。</translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) still to resolve.</source>
        <translation>
            <numerusform>还有 %n 个冲突待处理。</numerusform>
        </translation>
    </message>
    <message>
        <source>The gather was not saved: %1</source>
        <translation>汇总未保存：%1</translation>
    </message>
    <message>
        <source>Saved as %1.</source>
        <translation>已保存为 %1。</translation>
    </message>
    <message>
        <source>Nothing to gather.</source>
        <translation>没有需要汇总的内容。</translation>
    </message>
    <message>
        <source>%1 / %2 resolved</source>
        <translation>已处理 %1 / %2</translation>
    </message>
    <message>
        <source>No conflicts: every change merges automatically.</source>
        <translation>没有冲突：所有更改都会自动合并。</translation>
    </message>
    <message>
        <source>1-9: a curator&apos;s side</source>
        <translation>1-9：选择一位审校员的一方</translation>
    </message>
    <message>
        <source>&amp;All together (A)</source>
        <translation>全部合并(&amp;A)（A）</translation>
    </message>
    <message>
        <source>&amp;Edit (E)</source>
        <translation>编辑(&amp;E)（E）</translation>
    </message>
    <message>
        <source>&amp;Save gather (Ctrl+S)</source>
        <translation>保存汇总(&amp;S)（Ctrl+S）</translation>
    </message>
    <message>
        <source>The value in the base every curator started from</source>
        <translation>每位审校员开始时的基础值</translation>
    </message>
    <message>
        <source>Gather team</source>
        <translation>汇总团队</translation>
    </message>
</context>
<context>
    <name>HistoryModels</name>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>更改</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>no changes</source>
        <translation>无更改</translation>
    </message>
    <message>
        <source>%1, edited</source>
        <translation>%1，已编辑</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>No versions yet: Save Version (Ctrl+S) records the current state with a message.</source>
        <translation>还没有版本：“保存版本”（Ctrl+S）会连同说明记录当前状态。</translation>
    </message>
    <message>
        <source>The release changed since this project was made.</source>
        <translation>自创建此项目以来，原始数据已发生变化。</translation>
    </message>
    <message>
        <source>Version %1 against the release now open:</source>
        <translation>版本 %1 与当前打开的数据对比：</translation>
    </message>
    <message>
        <source>%1 recorded changes still match their rows; %2 do not.</source>
        <translation>%1 条记录的更改仍与其行一致；%2 条不一致。</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Revert this change</source>
        <translation>还原此更改</translation>
    </message>
    <message>
        <source>Put this row back as it was before the selected version</source>
        <translation>把这一行恢复为所选版本之前的样子</translation>
    </message>
    <message>
        <source>View this version (read-only)</source>
        <translation>查看此版本（只读）</translation>
    </message>
    <message>
        <source>Back to the current state</source>
        <translation>回到当前状态</translation>
    </message>
</context>
<context>
    <name>KeymapDialog</name>
    <message>
        <source>Review keys and reasons</source>
        <translation>审阅按键与理由</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys (separated by spaces)</source>
        <translation>按键（用空格分隔）</translation>
    </message>
    <message>
        <source>Reject reasons (one a line, at most %1; keys 1–%1 pick them):</source>
        <translation>拒绝理由（每行一个，最多 %1 个；按 1–%1 选择）：</translation>
    </message>
    <message>
        <source>Default reason (X then Enter):</source>
        <translation>默认理由（X 后按 Enter）：</translation>
    </message>
    <message>
        <source>Unknown keys: %1</source>
        <translation>未知按键：%1</translation>
    </message>
    <message>
        <source>%1 is bound to more than one action: %2</source>
        <translation>%1 绑定了多个操作：%2</translation>
    </message>
    <message>
        <source>At most %1 reasons (one digit key each).</source>
        <translation>最多 %1 个理由（每个对应一个数字键）。</translation>
    </message>
</context>
<context>
    <name>LabelDialog</name>
    <message>
        <source>Set labels</source>
        <translation>设置标签</translation>
    </message>
    <message numerus="yes">
        <source>Labels of %n row(s)</source>
        <translation>
            <numerusform>%n 行的标签</numerusform>
        </translation>
    </message>
    <message>
        <source>Task (major)</source>
        <translation>任务（大类）</translation>
    </message>
    <message>
        <source>Task (minor)</source>
        <translation>任务（细类）</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Replace with</source>
        <translation>替换为</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>comma-separated, e.g. 问答, 生成</source>
        <translation>用逗号分隔，例如 问答, 生成</translation>
    </message>
    <message>
        <source>Field:</source>
        <translation>字段：</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>标签：</translation>
    </message>
</context>
<context>
    <name>LabelsDialog</name>
    <message>
        <source>Separate labels with commas. Enter: save, Esc: cancel.</source>
        <translation>标签之间用逗号分隔。Enter：保存，Esc：取消。</translation>
    </message>
</context>
<context>
    <name>LastView</name>
    <message>
        <source>%1 The last view (filter, current row, docks) is restored.</source>
        <translation>%1上次的视图（筛选、当前行、停靠窗口）已还原。</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <source>No Simplified Chinese font found: install Noto Sans CJK SC (fonts-noto-cjk) for correct Chinese glyphs.</source>
        <translation>未找到简体中文字体：请安装 Noto Sans CJK SC（fonts-noto-cjk）以正确显示汉字字形。</translation>
    </message>
</context>
<context>
    <name>LengthHistogram</name>
    <message>
        <source>Instruction length</source>
        <translation>指令长度</translation>
    </message>
    <message>
        <source>Input length</source>
        <translation>输入长度</translation>
    </message>
    <message>
        <source>Output length</source>
        <translation>输出长度</translation>
    </message>
    <message>
        <source>log</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>Logarithmic length axis</source>
        <translation>长度轴使用对数刻度</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>any</source>
        <translation>不限</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>match %1 of %2 (F3 / Shift+F3)</source>
        <translation>第 %1 / %2 个匹配（F3 / Shift+F3）</translation>
    </message>
    <message>
        <source>Length charts appear once a release is loaded.</source>
        <translation>加载数据后显示长度分布图。</translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <source>Map Fields of %1</source>
        <translation>映射 %1 的字段</translation>
    </message>
    <message>
        <source>Read %1 as a format, or as “other” with its JSON keys mapped. The choice is kept in the curation project; the release is then read again.</source>
        <translation>按某种格式读取 %1，或按“other”并映射其 JSON 键。所选保存在整理项目中，随后重新读取发布。</translation>
    </message>
    <message>
        <source>As its records show (now: %1)</source>
        <translation>按记录自身判断（当前：%1）</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Instruction:</source>
        <translation>指令(&amp;I)：</translation>
    </message>
    <message>
        <source>I&amp;nput:</source>
        <translation>输入(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>输出(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Conversation (list of turns):</source>
        <translation>对话（轮次列表）(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Role key of a turn:</source>
        <translation>轮次的角色键(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Text key of a turn:</source>
        <translation>轮次的文本键(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge %1&apos;s %2</source>
        <translation>合并 %1 的 %2</translation>
    </message>
</context>
<context>
    <name>MergeSummary</name>
    <message>
        <source>%1&apos;s %2</source>
        <translation>%1 的 %2</translation>
    </message>
    <message>
        <source>their %1</source>
        <translation>对方的 %1</translation>
    </message>
    <message>
        <source>Nothing to merge: %1 is already part of this project&apos;s history</source>
        <translation>没有需要合并的内容：%1 已在此项目的历史中</translation>
    </message>
    <message>
        <source>Nothing to merge: %1 has no changes this project lacks</source>
        <translation>没有需要合并的内容：%1 没有此项目缺少的更改</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%2 的 %1</translation>
    </message>
    <message>
        <source>the base release</source>
        <translation>原始数据</translation>
    </message>
    <message>
        <source>Merging %1 against %2: %3, %4</source>
        <translation>以 %2 为基准合并 %1：%3，%4</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) merge automatically</source>
        <translation>
            <numerusform>%n 行自动合并</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MergeView</name>
    <message>
        <source>%1 does not apply to this conflict; choose %2.</source>
        <translation>%1 不适用于此冲突；请选择 %2。</translation>
    </message>
    <message>
        <source>All conflicts are resolved: press Enter or Ctrl+S to save the merge.</source>
        <translation>所有冲突均已处理：按 Enter 或 Ctrl+S 保存合并。</translation>
    </message>
    <message>
        <source>Decisions cannot be typed; choose M (mine) or T (theirs).</source>
        <translation>决定不能手动输入；请选择 M（我的）或 T（对方的）。</translation>
    </message>
    <message>
        <source>Editing: Ctrl+Enter keeps this text, Esc cancels.</source>
        <translation>编辑中：Ctrl+Enter 保留此文本，Esc 取消。</translation>
    </message>
    <message>
        <source>Edit cancelled.</source>
        <translation>已取消编辑。</translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) still to resolve.</source>
        <translation>
            <numerusform>还有 %n 个冲突待处理。</numerusform>
        </translation>
    </message>
    <message>
        <source>The merge was not saved: %1</source>
        <translation>合并未保存：%1</translation>
    </message>
    <message>
        <source>Saved as %1.</source>
        <translation>已保存为 %1。</translation>
    </message>
    <message>
        <source>Nothing to merge.</source>
        <translation>没有需要合并的内容。</translation>
    </message>
    <message>
        <source>M (mine)</source>
        <translation>M（我的）</translation>
    </message>
    <message>
        <source>T (theirs)</source>
        <translation>T（对方的）</translation>
    </message>
    <message>
        <source>B (both)</source>
        <translation>B（两者）</translation>
    </message>
    <message>
        <source>E (edit)</source>
        <translation>E（编辑）</translation>
    </message>
    <message>
        <source>%1 / %2 resolved</source>
        <translation>已处理 %1 / %2</translation>
    </message>
    <message>
        <source>No conflicts: every change merges automatically.</source>
        <translation>没有冲突：所有更改都会自动合并。</translation>
    </message>
    <message>
        <source>Mine (%1)</source>
        <translation>我的（%1）</translation>
    </message>
    <message>
        <source>Theirs (%1, %2)</source>
        <translation>对方的（%1，%2）</translation>
    </message>
    <message>
        <source>&amp;Mine (M)</source>
        <translation>我的(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Theirs (T)</source>
        <translation>对方的(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Both (B)</source>
        <translation>两者(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Edit (E)</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Save merge (Ctrl+S)</source>
        <translation>保存合并(&amp;S)（Ctrl+S）</translation>
    </message>
    <message>
        <source>The value in the merge base (what both started from)</source>
        <translation>合并基准中的值（双方共同的起点）</translation>
    </message>
    <message>
        <source>Merge version</source>
        <translation>合并版本</translation>
    </message>
    <message>
        <source>Merge version: choose their project.json or a vNNNN.jsonl</source>
        <translation>合并版本：选择对方的 project.json 或 vNNNN.jsonl</translation>
    </message>
</context>
<context>
    <name>NearDupView</name>
    <message>
        <source>Similarity threshold</source>
        <translation>相似度阈值</translation>
    </message>
    <message>
        <source>Estimated Jaccard similarity of character 4-grams two rows must reach</source>
        <translation>两行的字符 4-gram 估计 Jaccard 相似度须达到的值</translation>
    </message>
    <message>
        <source>Recompute</source>
        <translation>重新计算</translation>
    </message>
    <message>
        <source>Find near duplicates</source>
        <translation>查找近似重复</translation>
    </message>
    <message>
        <source>All near duplicates</source>
        <translation>全部近似重复</translation>
    </message>
    <message>
        <source>◀ Previous cluster</source>
        <translation>◀ 上一个簇</translation>
    </message>
    <message>
        <source>Next cluster ▶</source>
        <translation>下一个簇 ▶</translation>
    </message>
    <message>
        <source>Computing MinHash signatures and clusters…</source>
        <translation>正在计算 MinHash 签名与聚类…</translation>
    </message>
    <message>
        <source>Not computed yet (about 30 s for 50,000 rows, in the background).</source>
        <translation>尚未计算（5 万行约 30 秒，在后台进行）。</translation>
    </message>
    <message>
        <source>%1 clusters holding %2 rows at threshold %3.</source>
        <translation>阈值 %3 下共 %1 个簇，包含 %2 行。</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message numerus="yes">
        <source>Note on %n row(s)</source>
        <translation>
            <numerusform>%n 行的备注</numerusform>
        </translation>
    </message>
    <message>
        <source>A note for yourself and the team (Ctrl+Enter saves, Esc cancels; an empty note is removed):</source>
        <translation>写给自己和团队的备注（Ctrl+Enter 保存，Esc 取消；备注为空即删除）：</translation>
    </message>
</context>
<context>
    <name>NoteMarks</name>
    <message>
        <source>Flagged to come back later</source>
        <translation>已标记，稍后再看</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>备注：%1</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Curation preferences</source>
        <translation>整理偏好设置</translation>
    </message>
    <message>
        <source>One reason per line; the first nine get the keys 1-9.</source>
        <translation>每行一个理由；前九个对应按键 1-9。</translation>
    </message>
    <message>
        <source>Your name (recorded as author):</source>
        <translation>你的名字（记录为作者）：</translation>
    </message>
    <message>
        <source>Reject reasons:</source>
        <translation>拒绝理由：</translation>
    </message>
</context>
<context>
    <name>ProgressDock</name>
    <message>
        <source>Updated %1 (read in %2 ms); every %3 s while open.</source>
        <translation>更新于 %1（读取用时 %2 毫秒）；打开时每 %3 秒刷新一次。</translation>
    </message>
    <message>
        <source>Could not read the team&apos;s folder: %1</source>
        <translation>无法读取团队文件夹：%1</translation>
    </message>
    <message>
        <source>Team Progress</source>
        <translation>团队进度</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message numerus="yes">
        <source>Reject %n row(s): the whole filter</source>
        <translation>
            <numerusform>拒绝 %n 行：整个当前筛选</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n selected row(s)</source>
        <translation>
            <numerusform>拒绝选中的 %n 行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n row(s)</source>
        <translation>
            <numerusform>拒绝 %n 行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject all %n row(s) of the current filter with the reason:</source>
        <translation>
            <numerusform>以下列理由拒绝当前筛选的全部 %n 行：</numerusform>
        </translation>
    </message>
    <message>
        <source>Details (optional, free text; Enter rejects)</source>
        <translation>详情（可选，自由填写；回车即拒绝）</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message numerus="yes">
        <source>Reject %n row(s) with the reason:</source>
        <translation>
            <numerusform>以下列理由拒绝 %n 行：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Load report</source>
        <translation>加载报告</translation>
    </message>
    <message>
        <source>Nothing loaded yet.</source>
        <translation>尚未加载数据。</translation>
    </message>
    <message>
        <source>%1 rows from %2 files; %3 bad lines; %4 skipped files.</source>
        <translation>%2 个文件共 %1 行；%3 行损坏；跳过 %4 个文件。</translation>
    </message>
    <message>
        <source>Copy all</source>
        <translation>全部复制</translation>
    </message>
</context>
<context>
    <name>ReportModel</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Decide</source>
        <translation>决定</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Accept and go to the next item</source>
        <translation>通过并转到下一项</translation>
    </message>
    <message>
        <source>Reject: then a reason number (Enter: default reason)</source>
        <translation>拒绝：再按理由编号（Enter：默认理由）</translation>
    </message>
    <message>
        <source>Reject: %1</source>
        <translation>拒绝：%1</translation>
    </message>
    <message>
        <source>Edit the texts (Tab: next field, Ctrl+Enter: save, accept and go on, Esc: cancel)</source>
        <translation>编辑文本（Tab：下一字段，Ctrl+Enter：保存、通过并继续，Esc：取消）</translation>
    </message>
    <message>
        <source>Edit the task labels</source>
        <translation>编辑任务标签</translation>
    </message>
    <message>
        <source>Edit the domain</source>
        <translation>编辑领域</translation>
    </message>
    <message>
        <source>Note on this item (Ctrl+Enter: save, Esc: cancel)</source>
        <translation>为此条目写备注（Ctrl+Enter：保存，Esc：取消）</translation>
    </message>
    <message>
        <source>Flag this item to come back later (again: unflag)</source>
        <translation>标记此条目稍后再看（再按：取消标记）</translation>
    </message>
    <message>
        <source>Undo the last decision and go back to it</source>
        <translation>撤销上一个决定并回到该项</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Next item</source>
        <translation>下一项</translation>
    </message>
    <message>
        <source>Previous item</source>
        <translation>上一项</translation>
    </message>
    <message>
        <source>Go to item number…</source>
        <translation>转到第几项…</translation>
    </message>
    <message>
        <source>First item</source>
        <translation>第一项</translation>
    </message>
    <message>
        <source>Last item</source>
        <translation>最后一项</translation>
    </message>
    <message>
        <source>Focus the search box (Esc comes back)</source>
        <translation>聚焦搜索框（Esc 返回）</translation>
    </message>
    <message>
        <source>Focus the facet panel (Esc comes back)</source>
        <translation>聚焦分面面板（Esc 返回）</translation>
    </message>
    <message>
        <source>Only unreviewed items on / off</source>
        <translation>开关“只看未审阅项”</translation>
    </message>
    <message>
        <source>Save a version…</source>
        <translation>保存版本…</translation>
    </message>
    <message>
        <source>Show or hide this cheat sheet</source>
        <translation>显示或隐藏此速查表</translation>
    </message>
    <message>
        <source>Leave review mode (with a summary)</source>
        <translation>退出审阅模式（显示小结）</translation>
    </message>
    <message>
        <source>Review keys  (any key closes this)</source>
        <translation>审阅按键（按任意键关闭）</translation>
    </message>
    <message>
        <source>Default reason (X then Enter): %1</source>
        <translation>默认理由（X 后按 Enter）：%1</translation>
    </message>
    <message>
        <source>%1 / %2 reviewed (%3%)</source>
        <translation>已审阅 %1 / %2（%3%）</translation>
    </message>
    <message>
        <source>%1 items/min</source>
        <translation>%1 项/分钟</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
    <message>
        <source>%1 rejected</source>
        <translation>已拒绝 %1</translation>
    </message>
    <message>
        <source>Accepted: %1</source>
        <translation>已通过：%1</translation>
    </message>
    <message>
        <source>Rejected: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>(no reason)</source>
        <translation>（无理由）</translation>
    </message>
    <message>
        <source>Edited: %1</source>
        <translation>已编辑：%1</translation>
    </message>
    <message>
        <source>Time: %1</source>
        <translation>用时：%1</translation>
    </message>
    <message>
        <source>Rate: %1 items/min</source>
        <translation>速度：%1 项/分钟</translation>
    </message>
</context>
<context>
    <name>ReviewController</name>
    <message>
        <source>%1&apos;s team queue: the rows of this view assigned to %1.</source>
        <translation>%1 的团队队列：当前视图中分配给 %1 的行。</translation>
    </message>
    <message>
        <source>This project is not a team queue (Team &gt; Open My Team Queue…): the whole view is reviewed.</source>
        <translation>此项目不是团队队列（团队 &gt; 打开我的团队队列…）：将审阅整个视图。</translation>
    </message>
    <message>
        <source>No items to review in this view.</source>
        <translation>此视图中没有要审阅的项。</translation>
    </message>
    <message>
        <source>Read-only: %1</source>
        <translation>只读：%1</translation>
    </message>
    <message>
        <source>That was the last item of the queue.</source>
        <translation>这是队列中的最后一项。</translation>
    </message>
    <message>
        <source>Reject — pick a reason:  %1   ·   Enter: %2   ·   Esc: cancel</source>
        <translation>拒绝 — 选择理由：  %1   ·   Enter：%2   ·   Esc：取消</translation>
    </message>
    <message>
        <source>There is no reason %1 (Review &gt; Review Keys and Reasons).</source>
        <translation>没有理由 %1（审阅 &gt; 审阅按键与理由）。</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的操作。</translation>
    </message>
    <message>
        <source>Nothing to redo.</source>
        <translation>没有可重做的操作。</translation>
    </message>
    <message>
        <source>Queue: only unreviewed items</source>
        <translation>队列：只含未审阅项</translation>
    </message>
    <message>
        <source>Queue: every item of the view</source>
        <translation>队列：视图中的全部项</translation>
    </message>
    <message>
        <source>Saved version %1.</source>
        <translation>已保存版本 %1。</translation>
    </message>
</context>
<context>
    <name>ReviewMode</name>
    <message>
        <source>Open a release first: review mode needs a curation project.</source>
        <translation>请先打开数据：审阅模式需要整理项目。</translation>
    </message>
    <message>
        <source>Read-only: %1. You can look, not decide.</source>
        <translation>只读：%1。只能查看，不能做决定。</translation>
    </message>
    <message>
        <source>No review session recorded in this project yet.</source>
        <translation>此项目中还没有记录审阅会话。</translation>
    </message>
    <message>
        <source>The review session could not be recorded: %1</source>
        <translation>无法记录审阅会话：%1</translation>
    </message>
    <message>
        <source>Review session</source>
        <translation>审阅会话</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <source>Task: %1</source>
        <translation>任务：%1</translation>
    </message>
    <message>
        <source>Domain: %1</source>
        <translation>领域：%1</translation>
    </message>
    <message>
        <source>Answer from: %1</source>
        <translation>答案来源：%1</translation>
    </message>
    <message>
        <source>Edited: %1</source>
        <translation>已编辑：%1</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
</context>
<context>
    <name>RowsModel</name>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Subset</source>
        <translation>子集</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Len instr.</source>
        <translation>指令长</translation>
    </message>
    <message>
        <source>Len input</source>
        <translation>输入长</translation>
    </message>
    <message>
        <source>Len output</source>
        <translation>输出长</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>质量信号</translation>
    </message>
    <message>
        <source>Words instr.</source>
        <translation>指令词数</translation>
    </message>
    <message>
        <source>Words input</source>
        <translation>输入词数</translation>
    </message>
    <message>
        <source>Words output</source>
        <translation>输出词数</translation>
    </message>
    <message>
        <source>Verb</source>
        <translation>动词</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>宾语</translation>
    </message>
    <message>
        <source>Near-dup cluster</source>
        <translation>近似重复簇</translation>
    </message>
    <message>
        <source>Benchmark overlap</source>
        <translation>基准重合度</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>已标记</translation>
    </message>
</context>
<context>
    <name>SaveVersionDialog</name>
    <message>
        <source>Save version %1</source>
        <translation>保存版本 %1</translation>
    </message>
    <message>
        <source>%1 edited · %2 accepted · %3 rejected rows in the current state</source>
        <translation>当前状态：%1 行已编辑 · %2 行已通过 · %3 行已拒绝</translation>
    </message>
    <message>
        <source>What changed in this version?</source>
        <translation>这个版本改了什么？</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>说明：</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n 条匹配</numerusform>
        </translation>
    </message>
    <message>
        <source>building word index…</source>
        <translation>正在建立词索引…</translation>
    </message>
    <message>
        <source>searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>All fields</source>
        <translation>全部字段</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>invalid regex</source>
        <translation>正则无效</translation>
    </message>
    <message>
        <source>Search every turn…  (Ctrl+F)</source>
        <translation>搜索每一轮对话…  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Fields to search</source>
        <translation>搜索的字段</translation>
    </message>
    <message>
        <source>Literal</source>
        <translation>字面</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>正则</translation>
    </message>
    <message>
        <source>Word</source>
        <translation>整词</translation>
    </message>
    <message>
        <source>Literal substring (default), regular expression, or whole word</source>
        <translation>字面子串（默认）、正则表达式或整词</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>任意角色</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Whose turns to search: instruction and input are the user&apos;s, output the assistant&apos;s; a conversation&apos;s every turn of that role</source>
        <translation>搜索哪个角色的轮次：指令和输入属于用户，输出属于助手；对话则搜索该角色的每一轮</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>Signals</name>
    <message>
        <source>Exact duplicate</source>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>Duplicate instruction (same subset)</source>
        <translation>重复指令（同子集）</translation>
    </message>
    <message>
        <source>Duplicate instruction (across subsets)</source>
        <translation>重复指令（跨子集）</translation>
    </message>
    <message>
        <source>Placeholder or empty answer</source>
        <translation>占位或空回答</translation>
    </message>
    <message>
        <source>Output much shorter than instruction</source>
        <translation>回答过短</translation>
    </message>
    <message>
        <source>Output ends mid-sentence</source>
        <translation>回答中途截断</translation>
    </message>
    <message>
        <source>Low CJK ratio</source>
        <translation>中文占比低</translation>
    </message>
    <message>
        <source>Repeated n-gram</source>
        <translation>重复片段</translation>
    </message>
    <message>
        <source>Mojibake</source>
        <translation>乱码</translation>
    </message>
    <message>
        <source>Leftover URL</source>
        <translation>残留链接</translation>
    </message>
    <message>
        <source>Leftover HTML</source>
        <translation>残留 HTML</translation>
    </message>
    <message>
        <source>Platform boilerplate</source>
        <translation>平台模板文字</translation>
    </message>
    <message>
        <source>Resident ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Bank card number</source>
        <translation>银行卡号</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <source>Passport number</source>
        <translation>护照号</translation>
    </message>
    <message>
        <source>LLM answer, not human-verified</source>
        <translation>模型回答未经人工核验</translation>
    </message>
    <message>
        <source>Traditional characters</source>
        <translation>繁体字</translation>
    </message>
    <message>
        <source>Near duplicate</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Rows whose MinHash similarity to another row reaches the near-duplicate threshold (Analyse &gt; Find Near Duplicates).</source>
        <translation>与另一行的 MinHash 相似度达到近似重复阈值的行（分析 &gt; 查找近似重复）。</translation>
    </message>
    <message>
        <source>overlap ≥ 0.9</source>
        <translation>重合度 ≥ 0.9</translation>
    </message>
    <message>
        <source>overlap 0.5–0.9</source>
        <translation>重合度 0.5–0.9</translation>
    </message>
    <message>
        <source>overlap 0.2–0.5</source>
        <translation>重合度 0.2–0.5</translation>
    </message>
    <message>
        <source>overlap &lt; 0.2</source>
        <translation>重合度 &lt; 0.2</translation>
    </message>
    <message>
        <source>no shared n-gram</source>
        <translation>无共有 n-gram</translation>
    </message>
</context>
<context>
    <name>SignalsPanel</name>
    <message>
        <source>Signal</source>
        <translation>信号</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Checking the rows…</source>
        <translation>正在检查各行…</translation>
    </message>
    <message>
        <source>Rows of the current filter that have each signal. Enter or Filter shows them; Review walks them one by one.</source>
        <translation>当前筛选中带有各信号的行数。按回车或“筛选”显示这些行；“审阅”逐条查看。</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>审阅…</translation>
    </message>
</context>
<context>
    <name>StaleModel</name>
    <message>
        <source>Was at</source>
        <translation>原位置</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <source>Why it no longer applies</source>
        <translation>失效原因</translation>
    </message>
    <message>
        <source>the row at this place now has other content</source>
        <translation>此位置上的行现在内容不同</translation>
    </message>
    <message>
        <source>the row is no longer in the release</source>
        <translation>该行已不在发布版本中</translation>
    </message>
    <message>
        <source>the row is no longer in the release (its content was not recorded)</source>
        <translation>该行已不在发布版本中（其内容当时未被记录）</translation>
    </message>
    <message>
        <source>the row it matches has a decision of its own</source>
        <translation>与之匹配的行已有自己的决定</translation>
    </message>
    <message>
        <source>two decisions match this row</source>
        <translation>有两个决定与此行匹配</translation>
    </message>
    <message>
        <source>this row&apos;s line now appears %1 times in the release (it appeared %2): which copy the decision was on is unknown</source>
        <translation>此行的内容现在在发布版本中出现 %1 次（原先出现 %2 次）：无法确定决定针对的是哪一份</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>edited %1</source>
        <translation>已编辑 %1</translation>
    </message>
</context>
<context>
    <name>StalePanel</name>
    <message>
        <source>%1 decisions no longer apply to the release: it changed since they were made. Re-apply each to the row now at its old place, or discard it.</source>
        <translation>有 %1 个决定不再适用于此发布版本：做出这些决定之后，发布版本已改变。可将每个决定重新应用到其原位置上现在的行，或将其舍弃。</translation>
    </message>
    <message>
        <source>No stale decisions.</source>
        <translation>没有失效的决定。</translation>
    </message>
    <message>
        <source>the row now at %1</source>
        <translation>%1 处现在的行</translation>
    </message>
    <message>
        <source>no row is at %1 now</source>
        <translation>%1 处现在没有行</translation>
    </message>
    <message>
        <source>Decided: %1. Why it no longer applies: %2 (%3).</source>
        <translation>决定：%1。失效原因：%2（%3）。</translation>
    </message>
    <message>
        <source>The row there now</source>
        <translation>该位置现在的行</translation>
    </message>
    <message>
        <source>After re-applying</source>
        <translation>重新应用之后</translation>
    </message>
    <message>
        <source>Re-apply (R)</source>
        <translation>重新应用 (R)</translation>
    </message>
    <message>
        <source>Put this decision on the row now at its old place</source>
        <translation>把此决定应用到其原位置上现在的行</translation>
    </message>
    <message>
        <source>Re-apply all</source>
        <translation>全部重新应用</translation>
    </message>
    <message>
        <source>Re-apply every stale decision that has a row at its old place</source>
        <translation>重新应用所有在原位置上有对应行的失效决定</translation>
    </message>
    <message>
        <source>Discard (D)</source>
        <translation>舍弃 (D)</translation>
    </message>
    <message>
        <source>Discard all</source>
        <translation>全部舍弃</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>untouched</source>
        <translation>未处理</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>word search “%1”: building the word index (jieba)… Cancel stops it</source>
        <translation>整词搜索“%1”：正在建立词索引（jieba）…点“取消”可停止</translation>
    </message>
    <message>
        <source>word search “%1”: the word index was cancelled, no rows shown (Analyse &gt; Run Text Analysis builds it)</source>
        <translation>整词搜索“%1”：词索引已取消，不显示任何行（“分析 &gt; 运行文本分析”可建立）</translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation>%1 / %2 行</translation>
    </message>
    <message numerus="yes">
        <source>%n filter(s)</source>
        <translation>
            <numerusform>%n 个筛选</numerusform>
        </translation>
    </message>
    <message>
        <source>search: %1</source>
        <translation>搜索：%1</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>计数中…</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>%1: %2 / %3 MB · file %4 of %5</source>
        <translation>%1：%2 / %3 MB · 第 %4 / %5 个文件</translation>
    </message>
    <message>
        <source>reading</source>
        <translation>读取中</translation>
    </message>
    <message>
        <source>row ids</source>
        <translation>生成行 ID</translation>
    </message>
    <message>
        <source>preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <source>%1 · %2 s</source>
        <translation>%1 · %2 秒</translation>
    </message>
    <message>
        <source>Load report</source>
        <translation>加载报告</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop loading (Esc)</source>
        <translation>停止加载（Esc）</translation>
    </message>
    <message>
        <source>Show the load report: bad lines and skipped files</source>
        <translation>查看加载报告：损坏的行和跳过的文件</translation>
    </message>
</context>
<context>
    <name>TeamAgreement</name>
    <message>
        <source>Curators</source>
        <translation>审校员</translation>
    </message>
    <message>
        <source>Both decided</source>
        <translation>共同决定</translation>
    </message>
    <message>
        <source>Agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>Kappa</source>
        <translation>Kappa</translation>
    </message>
    <message>
        <source>Same reason</source>
        <translation>理由相同</translation>
    </message>
    <message>
        <source>Kappa (reasons)</source>
        <translation>Kappa（理由）</translation>
    </message>
    <message>
        <source>Curator</source>
        <translation>审校员</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已决定</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Per hour</source>
        <translation>每小时</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝率</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>(no reason)</source>
        <translation>（无理由）</translation>
    </message>
</context>
<context>
    <name>TeamAgreementDialog</name>
    <message>
        <source>Team agreement</source>
        <translation>团队一致性</translation>
    </message>
    <message>
        <source>Fleiss&apos; kappa over %1 rows decided by two or more curators: accept/reject %2, reasons %3</source>
        <translation>两位及以上审校员共同决定的 %1 行的 Fleiss&apos; kappa：接受/拒绝 %2，理由 %3</translation>
    </message>
    <message>
        <source>No rows were decided by two or more curators.</source>
        <translation>没有由两位及以上审校员共同决定的行。</translation>
    </message>
    <message numerus="yes">
        <source>&amp;Review %n Disagreement(s)</source>
        <translation>
            <numerusform>审阅 %n 处分歧(&amp;R)</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Copy as Text</source>
        <translation>复制为文本(&amp;C)</translation>
    </message>
    <message>
        <source>Pairs of curators (rows both decided):</source>
        <translation>审校员两两比较（两人都决定过的行）：</translation>
    </message>
    <message>
        <source>Curators:</source>
        <translation>审校员：</translation>
    </message>
</context>
<context>
    <name>TeamCommands</name>
    <message>
        <source>The team&apos;s assignment could not be read: %1</source>
        <translation>无法读取团队的分配：%1</translation>
    </message>
    <message>
        <source>%1 holds no team assignment (assignment.json); the lead makes one with `python -m app assign`.</source>
        <translation>%1 中没有团队分配（assignment.json）；由负责人用 `python -m app assign` 创建。</translation>
    </message>
    <message>
        <source>Open the team&apos;s release first.</source>
        <translation>请先打开团队的数据。</translation>
    </message>
    <message>
        <source>The release changed since %1&apos;s queue was assigned: %2 of its rows found (%3 by content at a new place).</source>
        <translation>分配 %1 的队列后发布已更改：找到其中 %2 行（%3 行按内容在新位置找到）。</translation>
    </message>
    <message>
        <source>%1 changed upstream or were removed (%2): ask the lead to re-assign them.</source>
        <translation>%1 行在上游被修改或删除（%2）：请负责人重新分配。</translation>
    </message>
    <message>
        <source>Open my team queue: choose the team&apos;s shared folder</source>
        <translation>打开我的团队队列：选择团队的共享文件夹</translation>
    </message>
    <message>
        <source>Reading the team&apos;s assignment…</source>
        <translation>正在读取团队的分配…</translation>
    </message>
    <message>
        <source>This team curates another release (%1); open that release first.</source>
        <translation>这个团队审校的是另一份数据（%1）；请先打开那份数据。</translation>
    </message>
    <message>
        <source>Open my team queue</source>
        <translation>打开我的团队队列</translation>
    </message>
    <message>
        <source>%1 is not in this team. Whose queue?</source>
        <translation>%1 不在这个团队中。打开谁的队列？</translation>
    </message>
    <message>
        <source>%1 has no project in the shared folder (%2).</source>
        <translation>%1 在共享文件夹中没有项目（%2）。</translation>
    </message>
    <message>
        <source>Opened %1&apos;s team queue: %2 rows. Review &gt; Only My Team Queue keeps them.</source>
        <translation>已打开 %1 的团队队列：%2 行。审阅 &gt; 只看我的团队队列 只保留这些行。</translation>
    </message>
    <message>
        <source>Read-only: %1</source>
        <translation>只读：%1</translation>
    </message>
    <message>
        <source>Gather team: choose the team&apos;s shared folder</source>
        <translation>汇总团队：选择团队的共享文件夹</translation>
    </message>
    <message>
        <source>Reading the team&apos;s versions…</source>
        <translation>正在读取团队的版本…</translation>
    </message>
    <message>
        <source>No curator of this team has saved a version yet.</source>
        <translation>这个团队还没有审校员保存过版本。</translation>
    </message>
    <message>
        <source>Left out (no saved version yet): %1</source>
        <translation>未包含（尚未保存版本）：%1</translation>
    </message>
    <message>
        <source>Team agreement: choose the team&apos;s shared folder</source>
        <translation>团队一致性：选择团队的共享文件夹</translation>
    </message>
    <message>
        <source>Comparing the team&apos;s decisions…</source>
        <translation>正在比较团队的决定…</translation>
    </message>
    <message>
        <source>Team progress: choose the team&apos;s shared folder</source>
        <translation>团队进度：选择团队的共享文件夹</translation>
    </message>
</context>
<context>
    <name>TeamProgress</name>
    <message>
        <source>(reviewed by two)</source>
        <translation>（两人审阅）</translation>
    </message>
    <message>
        <source>(whole assignment)</source>
        <translation>（全部分配）</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审阅</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Per hour</source>
        <translation>每小时</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>预计剩余</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>TextDisplay</name>
    <message>
        <source>%1 more characters not shown; edit the row to see all of it</source>
        <translation>还有 %1 个字符未显示；编辑该条目可查看全文</translation>
    </message>
</context>
<context>
    <name>TurnActions</name>
    <message>
        <source>Click a turn of a conversation first, then delete it.</source>
        <translation>请先点击对话中的一个轮次，再删除它。</translation>
    </message>
    <message>
        <source>Delete Turn</source>
        <translation>删除轮次</translation>
    </message>
    <message>
        <source>Delete the turn %1?

%2</source>
        <translation>删除轮次 %1？

%2</translation>
    </message>
    <message>
        <source>Only a preference record (chosen and rejected) can be swapped.</source>
        <translation>只有偏好记录（选中与拒绝回答）可以交换。</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有变化。</translation>
    </message>
    <message>
        <source>Select a row of the file to map first.</source>
        <translation>请先选择要映射的文件中的一行。</translation>
    </message>
    <message>
        <source>%1 will be read as %2.</source>
        <translation>%1 将按 %2 读取。</translation>
    </message>
    <message>
        <source>its records show</source>
        <translation>记录自身所示格式</translation>
    </message>
</context>
<context>
    <name>TurnsView</name>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Function call</source>
        <translation>函数调用</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>观察结果</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>选中回答</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝回答</translation>
    </message>
    <message>
        <source>Long responses: differences shown by line.</source>
        <translation>回答较长：按行显示差异。</translation>
    </message>
    <message>
        <source>Tools (%1 characters)</source>
        <translation>工具（%1 个字符）</translation>
    </message>
</context>
<context>
    <name>UnitSwitch</name>
    <message>
        <source>Characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Length facets in characters</source>
        <translation>以字符计的长度分面</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>Length facets in jieba words (after Analyse &gt; Run Text Analysis)</source>
        <translation>以 jieba 词计的长度分面（运行“分析 &gt; 运行文本分析”后）</translation>
    </message>
</context>
<context>
    <name>UserDictDialog</name>
    <message>
        <source>User dictionary</source>
        <translation>用户词典</translation>
    </message>
    <message>
        <source>Words jieba should keep whole (names, terms of art). They are kept in the curation project; rows containing a changed word are tokenised again.</source>
        <translation>jieba 应整体保留的词（名称、术语）。它们保存在整理项目中；包含变更词语的行会重新分词。</translation>
    </message>
    <message>
        <source>New word, e.g. 苹果树</source>
        <translation>新词，例如 苹果树</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>WordHistogram</name>
    <message>
        <source>Instruction words</source>
        <translation>指令词数</translation>
    </message>
    <message>
        <source>Input words</source>
        <translation>输入词数</translation>
    </message>
    <message>
        <source>Output words</source>
        <translation>输出词数</translation>
    </message>
</context>
<context>
    <name>_Plurals</name>
    <message numerus="yes">
        <source>%n bad line(s)</source>
        <translation>
            <numerusform>%n 行损坏</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n LFS pointer(s)</source>
        <translation>
            <numerusform>%n 个 LFS 指针</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped file(s)</source>
        <translation>
            <numerusform>跳过 %n 个文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>Go to item</source>
        <translation>转到项</translation>
    </message>
    <message>
        <source>Item number (1 – %1):</source>
        <translation>项编号（1 – %1）：</translation>
    </message>
    <message>
        <source>Save version</source>
        <translation>保存版本</translation>
    </message>
    <message>
        <source>Message for this version:</source>
        <translation>此版本的说明：</translation>
    </message>
</context>
</TS>
