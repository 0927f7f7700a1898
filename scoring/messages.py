"""The one message catalogue: what a person reads about bad input, in Chinese first and English on request.

A FieldIssue keeps its machine-facing `field`, `reason`, `value` and `accepted`;
its `message` is rendered here from a template keyed by the reason code (or a
finer key beside it), naming the field by its Chinese label. Parsers never
write message text themselves; they call `issue(...)`.

    issue("amount_rmb", "很多", NOT_A_NUMBER, accepted, key="amount", minimum=0)
      .message     项目金额: "很多" 不是有效金额；请填写 ≥ 0 的金额，如 12000000、1200万、1.2亿 或 "12,000,000"
      .message_en  amount_rmb: '很多' is not a number; give …
"""

from __future__ import annotations

import re
from typing import Any

from gradegate.scoring.errors import FieldIssue, TableError, show_value
from gradegate.scoring.vocabulary import FIELD_LABELS

LANGUAGES = ("zh", "en")

# key → (zh, en). Placeholders: {label} (Chinese label), {field} (code), {shown} / {shown_en} (the value as
# typed), {accepted_zh} / {accepted} and the keyword arguments of `issue`.
TEMPLATES: dict[str, tuple[str, str]] = {
    # numbers
    "number.missing": ("{label}为必填项：请填写{accepted_zh}", "{field} is required: give {accepted}"),
    "number.not_a_number": (
        "{label}: {shown} 不是有效{noun}；请填写{accepted_zh}",
        "{field}: {shown_en} is not a number; give {accepted}",
    ),
    "number.chinese_numerals": (
        "{label}: {shown} 是汉字数字，无法识别；请用阿拉伯数字填写{accepted_zh}",
        "{field}: {shown_en} is written in Chinese numerals; give {accepted}",
    ),
    "number.unit_not_allowed": (
        "{label}: {shown} 不能带单位；请填写{accepted_zh}",
        "{field}: {shown_en} may not carry a unit; give {accepted}",
    ),
    "number.wrong_type": (
        "{label}: {shown} 不是数字；请填写{accepted_zh}",
        "{field}: {shown_en} is not a number; give {accepted}",
    ),
    "number.too_large": (
        "{label}: {shown} 过大（最大 {maximum:g}）",
        "{field}: {shown_en} is too large (at most {maximum:g})",
    ),
    "number.below": (
        "{label}: {shown} 小于 {minimum:g}；请填写{accepted_zh}",
        "{field}: {shown_en} is below {minimum:g}; give {accepted}",
    ),
    "number.not_an_integer": (
        "{label}: {shown} 不是整数；请填写{accepted_zh}",
        "{field}: {shown_en} is not a whole number; give {accepted}",
    ),
    # choices (enums)
    "enum.missing": ("{label}为必填项：请填写以下之一：{accepted}", "{field} is required: one of {accepted}"),
    "enum.wrong_type": (
        "{label}: {shown} 不是文本；请填写以下之一：{accepted}",
        "{field}: {shown_en} is not text; give one of {accepted}",
    ),
    "enum.unknown_value": (
        "{label}: {shown} 不是可选值；请填写以下之一：{accepted}",
        "{field}: {shown_en} is not accepted; give one of {accepted}",
    ),
    # text
    "text.missing": ("{label}为必填项", "{field} is required"),
    "text.wrong_type": ("{label}: {shown} 不是文本", "{field}: {shown_en} is not text"),
    "text.too_long": (
        "{label}共 {length} 个字符，最多 {max_length} 个",
        "{field} is {length} characters long; at most {max_length}",
    ),
    # records and shapes
    "unknown_field": ("未知字段 {field}{hint_zh}；可用字段：{accepted}", "unknown field {field!r}{hint_en}"),
    "not_an_object": ("{what_zh}必须是 JSON 对象", "{what} must be a JSON object"),
    "risk.wrong_type": ("{label}必须是对象，包含 {factors}", "risk must be an object with {factors}"),
    "override.wrong_type": (
        "{label}必须是对象 {{level, approved_by, reason}}",
        "level_override must be an object {{level, approved_by, reason}}",
    ),
    "override.incomplete": (
        "{label}为必填项：特批需要写明特批等级、特批人和特批理由",
        "{field} is required with a level override: an override needs its level, who approved it and why",
    ),
    "duplicate": (
        "{label} {shown} 与第 {first} 条记录重复；每个项目只评定一次",
        "project_id {shown_en} already appears in row {first}; each project is graded once",
    ),
    "duplicate.batch": (
        "{label} {shown} 在本批中重复（首次出现在第 {first} 项）",
        "project_id {shown_en} is given twice in this batch (first at item {first})",
    ),
    "flag.unknown_value": (
        "{label}: {shown} 不是是/否值；请填写 {accepted}",
        "{field}: {shown_en} is not a flag value; give {accepted}",
    ),
    # a portfolio's gate column the gate rules do not know (a warning: the column is not read)
    "portfolio.unknown_flag": (
        "列 {column}: 关口规则中没有标志 {name!r}{hint_zh}；可用标志：{flags}；该列未读取",
        "column {column}: the gate rules know no flag {name!r}{hint_en} (flags: {flags}); ignored",
    ),
    "portfolio.unknown_deliverable": (
        "列 {column}: 关口规则中没有交付件 {name!r}{hint_zh}；该列未读取",
        "column {column}: the gate rules know no deliverable {name!r}{hint_en}; ignored",
    ),
    "gates.unknown_value": (
        "{label}: {part!r} 不是关口；请填写以 ';' 分隔的关口代码（{gates}）",
        "passed_gates: {part!r} is not a gate; give gate codes separated by ';' ({gates})",
    ),
    # decision tables (tables.md): {label} is the table's own label of the input
    "table.bool.missing": ("{label}为必填项：请填写 {accepted}", "{field} is required: give {accepted}"),
    "table.bool": (
        "{label}: {shown} 不是是/否值；请填写 {accepted}",
        "{field}: {shown_en} is not a yes/no value; give {accepted}",
    ),
    "table.unknown_field": (
        "未知字段 {field}{hint_zh}；可用字段：{inputs_zh}",
        "unknown field {field!r}{hint_en}; inputs: {accepted}",
    ),
    "batch.not_object": ("第 {index} 项不是 JSON 对象", "item {index} is not a JSON object"),
    # the report of an uploaded portfolio (POST /v1/reports)
    "report.format": (
        "报告格式 {shown} 无法识别；请填写以下之一：{accepted}",
        "format {shown_en} is not one of {accepted}",
    ),
    "report.file_type": (
        "{name}: 不是 .csv 或 .xlsx 项目组合文件",
        "{name}: not {accepted}",
    ),
    # gate and review requests
    "shape.wrong_type": ("{label}必须是{shape_zh}", "{field} must be {shape}"),
    "bool.wrong_type": ("{label}: {shown} 不是 true 或 false", "{field}: {shown_en} is not true or false"),
    "flag.unknown": (
        "未知标志 {name!r}{hint_zh}；可用标志：{accepted}",
        "unknown flag {name!r}{hint_en}; the flags are {accepted}",
    ),
    "deliverable.unknown": (
        "规则中没有交付件 {name!r}{hint_zh}；已忽略",
        "the rules know no deliverable {name!r}{hint_en}; ignored",
    ),
    "level.conflict": (
        "{label} {shown} 与按评级输入评定的等级（{graded}）矛盾；二者只填其一",
        "level {shown_en} contradicts the level graded from `grading` ({graded}); give one of them",
    ),
    "level.missing": (
        "关口 {gate} 由项目等级决定：请填写 level（项目等级：{accepted}）或 grading（评级输入）",
        "gate {gate} is decided by the project's level: give `level` ({accepted}) or `grading` (a grading input)",
    ),
    "contract_id.missing": (
        "{label}为必填项：订单须注明所属的已评审合同",
        "contract_id is required for an order: the reviewed contract the order belongs to",
    ),
    "not_applicable": (
        "{label}只适用于{kinds_zh}（{why_zh}）；请不要填写",
        "{field} applies to {kinds} only ({why}); leave it out",
    ),
    "clauses.missing": (
        "{label}必须是至少包含一个条款代码的列表：{accepted}",
        "clauses must be a list of at least one clause code: {accepted}",
    ),
    # lines of a JSON-lines file
    "line.empty": (
        "第 {line} 行为空；每行须是一个 JSON 对象",
        "line {line} is empty; each line must hold one JSON object",
    ),
    "line.malformed": ("第 {line} 行不是有效的 JSON：{error}", "line {line} is not valid JSON: {error}"),
    "line.not_an_object": (
        "第 {line} 行是 JSON {kind}，不是对象",
        "line {line} holds a JSON {kind}, not an object",
    ),
    # the service's problem details
    "problem.invalid_input": ("{count} 个字段无效：{issues}", "{count} field(s) are invalid: {issues}"),
    "problem.invalid_request": ("请求无效：{issues}", "the request is not valid: {issues}"),
    "problem.field": ("{label}: {detail}", "{field}: {detail}"),
    # a parameter the route declares as a fixed set (`?format=`): pydantic's own words are English only
    "problem.not_one_of": ("{label}: {shown} 不是可选值；请填写以下之一：{accepted}", "{field}: {detail}"),
    "problem.missing": ("{label}为必填项", "{field}: {detail}"),
    "problem.out_of_range": ("{label}: {shown} 超出范围；应 {accepted}", "{field}: {detail}"),
    "problem.not_an_integer": ("{label}: {shown} 不是整数", "{field}: {detail}"),
    "problem.too_long": ("{label}: 过长；最多 {max_length} 个字符", "{field}: {detail}"),
    # terminal summaries of batch commands
    "summary.counts": (
        "读取 {read:,} · 已评定 {graded:,} · 被拒 {rejected:,}   规则 {name} {version} ({hash})",
        "read {read:,} · graded {graded:,} · rejected {rejected:,}   rules {name} {version} ({hash})",
    ),
    "summary.graded": ("评定结果 → {path}", "graded → {path}"),
    "summary.rejected": ("被拒记录 → {path}（{problems:,} 个问题）", "rejected rows → {path} ({problems:,} problems)"),
    "summary.warning": ("提示：{text}", "warning: {text}"),
    "summary.report": ("报告 → {files}", "report → {files}"),
    # gate-check, reviewers, decide: JSON lines answered, or a table decided
    "summary.decided": (
        "读取 {read:,} · 已决策 {decided:,} · 无效 {invalid:,}   规则 {name} {version} ({hash})",
        "read {read:,} · decided {decided:,} · invalid {invalid:,}   rules {name} {version} ({hash})",
    ),
    "summary.table_counts": (
        "读取 {read:,} · 已决策 {decided:,} · 被拒 {refused:,}   规则 {name} {version} ({hash})",
        "read {read:,} · decided {decided:,} · refused {refused:,}   rules {name} {version} ({hash})",
    ),
    "summary.decided_to": ("决策结果 → {path}", "decided → {path}"),
    # the analysts' commands: rules check, rules test, publish, history, diff
    "check.folder": ("规则目录：{path}", "rule folder: {path}"),
    "check.valid": ("全部规则文件有效", "all rule files are valid"),
    "scenarios.summary": ("通过 {passed:,} · 失败 {failed:,}", "{passed:,} passed, {failed:,} failed"),
    # a scenario that fails: what it expected, what the rules answered
    "scenario.fail": ("失败 {problem}", "FAIL {problem}"),
    "scenario.answer": ("答复", "answer"),
    "scenario.differs": ("{where}: 应为 {want}，实为 {got}", "{where}: expected {want}, got {got}"),
    "scenario.object": ("{where}: 应为对象 {want}，实为 {got}", "{where}: expected an object {want}, got {got}"),
    "scenario.no_key": (
        "{where}: 应为 {want}，答复中没有此键",
        "{where}: expected {want}, got nothing (no such key in the answer)",
    ),
    "scenario.other_errors": ("应报错 {want}，实报错 {got}", "expected an error {want}, got errors {got}"),
    "scenario.input_error": ("应为 {want}，实为输入错误：{error}", "expected {want}, got an input error: {error}"),
    "scenario.no_error": ("应报错 {want}，实得答复 {got}", "expected an error {want}, got an answer {got}"),
    "publish.again": (
        "已发布过：规则包 {hash}，{effective_from} 起生效（发布人 {by}）；未存储新内容",
        "already published: bundle {hash}, effective from {effective_from} (by {by}); nothing stored",
    ),
    "publish.done": (
        "已发布规则包 {hash} ({full})，{effective_from} 起生效，发布人 {by}，存于 {db}；{scenarios}",
        "published bundle {hash} ({full}) effective from {effective_from} by {by} in {db}; {scenarios}",
    ),
    "diff.none": ("无变化", "no changes"),
    # replay: one line per route
    "summary.replayed": (
        "{route}: 重放 {replayed:,} · 未变 {unchanged:,} · 变化 {changed:,}（升 {up:,}，降 {down:,}）"
        "· 无效 {invalid:,}",
        "{route}: replayed {replayed:,} · unchanged {unchanged:,} · changed {changed:,} (up {up:,}, down {down:,}) "
        "· invalid {invalid:,}",
    ),
    "summary.replay_none": ("该期间没有记录的决策", "no logged decisions in the period"),
    "diff.none_value": ("（无）", "(none)"),
    "diff.removed": ("{what} 已删除", "{what} removed"),
    "diff.added": ("{what} 新增：{value}", "{what} added: {value}"),
    "diff.reordered": ("{what} 顺序改变", "{what} reordered"),
    "diff.file_removed": ("文件已删除", "file removed"),
    "diff.file_added": ("新增文件", "file added"),
    "diff.unreadable": ("已更改（不是可读的 YAML）", "changed (not readable YAML)"),
    "diff.cases": ("{before} 个场景 → {after} 个场景", "{before} cases → {after} cases"),
    "diff.changed": ("已更改", "changed"),
    "diff.layout_only": ("仅注释或排版变化", "comments or layout only"),
    "diff.first_bundle": ("第一个规则包", "first bundle"),
    # what stops a command (cli/): printed after the prefix, exit code 1
    "cli.error": ("错误：{text}", "error: {text}"),
    "cli.settings_invalid": ("GRADEGATE_* 设置无效：\n{detail}", "invalid GRADEGATE_* settings:\n{detail}"),
    "cli.rules_invalid": ("规则文件无效；未运行任何决策：", "the rule files are invalid; nothing was run:"),
    "cli.rules_and_as_of": (
        "--rules 与 --as-of 只能选一个：--as-of 按当天生效的已发布规则包决策",
        "give --rules or --as-of, not both: --as-of decides under a published bundle",
    ),
    "cli.not_a_date": (
        "{option}: {shown} 不是日期；请填写 YYYY-MM-DD（中国标准时间）",
        "{option}: {shown_en} is not a date; give YYYY-MM-DD (a day in China Standard Time)",
    ),
    "cli.database": ("无法打开数据库 {url}：{error}", "cannot open the database {url}: {error}"),
    "cli.no_bundle_on": (
        "--as-of {day}: {url} 中当天没有生效的规则包；{when}",
        "--as-of {day}: no rule bundle was effective that day in {url}; {when}",
    ),
    "cli.first_bundle": ("第一个规则包自 {first} 起生效", "the first takes effect on {first}"),
    "cli.no_bundle_yet": (
        "尚未发布任何规则包（gradegate rules publish）",
        "none is published yet (gradegate rules publish)",
    ),
    "cli.bundle_broken": (
        "{day} 生效的规则包 {hash} 无法加载：",
        "the bundle {hash} effective on {day} does not load:",
    ),
    "cli.cannot_read": ("无法读取 {path}：{error}", "cannot read {path}: {error}"),
    "cli.cannot_write": ("无法写入 {path}：{error}", "cannot write {path}: {error}"),
    "cli.input_is_folder": ("{path} 是文件夹；请指定 JSON lines 文件", "{path} is a folder; give a JSON-lines file"),
    "cli.graded_type": (
        "{path}: 评定结果只能写为 .csv 或 .xlsx",
        "{path}: the graded table is written as .csv or .xlsx",
    ),
    "cli.portfolio_type": ("{path}: 项目组合须是 .csv 或 .xlsx 文件", "{path}: a portfolio is a .csv or .xlsx file"),
    "cli.report_folder": (
        "{path}: 已存在且不是文件夹；-o 指定报告写入的文件夹",
        "{path}: exists and is not a folder; -o names the folder the report goes into",
    ),
    "cli.unknown_table": (
        "没有决策表 {code!r}；规则文件夹中有：{known}",
        "no decision table {code!r}; the rule folder has: {known}",
    ),
    "cli.unknown_table.none": (
        "没有决策表 {code!r}；规则文件夹中没有决策表",
        "no decision table {code!r}; the rule folder has none",
    ),
    "cli.table_output": (
        "CSV 或 .xlsx 输入的决策结果是一张表：请用 -o OUTPUT.csv 或 OUTPUT.xlsx 指定",
        "a CSV or .xlsx input is decided into a table: give -o OUTPUT.csv or OUTPUT.xlsx",
    ),
    "cli.since_after_until": ("--since {first} 晚于 --until {last}", "--since {first} is after --until {last}"),
    "cli.init_not_empty": (
        "{path} 已存在且不是空文件夹；请换一个新文件夹（未写入任何文件）",
        "{path} already exists and is not an empty folder; choose a new one (nothing was written)",
    ),
    "cli.scenario_files_invalid": (
        "规则或场景文件无效；未运行任何场景",
        "the rule or scenario files are invalid; no scenario was run",
    ),
    "cli.not_published": ("{path} 未发布；未存储任何内容：", "{path} is not published; nothing was stored:"),
    "cli.scenarios": ("场景：{summary}", "scenarios: {summary}"),
    "cli.unknown_ref": (
        "{ref!r} 既不是规则文件夹，也不是已发布规则包的哈希（或唯一的哈希前缀）",
        "{ref!r} is neither a rule folder nor the hash (or a unique hash prefix) of a published bundle",
    ),
    "cli.unknown_role": (
        "未知角色 {role!r}；可选角色：\n  {roles}",
        "unknown role {role!r}; the roles are:\n  {roles}",
    ),
    "cli.no_key": (
        "没有有效的密钥 {key_id!r}（见 gradegate keys list）",
        "no active key {key_id!r} (see `gradegate keys list`)",
    ),
    # what a command did, on stderr beside its output
    "cli.init_wrote": ("已将 {count} 个规则文件写入 {path}", "wrote {count} rule files to {path}"),
    "cli.init_next": (
        "检查规则：gradegate rules check --rules {path}",
        "check them with: gradegate rules check --rules {path}",
    ),
    "cli.key_created": (
        "已在 {url} 中创建密钥 {key_id}（角色 {role}）",
        "created key {key_id} with role {role} in {url}",
    ),
    "cli.key_shown_once": ("请立即保存：密钥只显示这一次", "store it now: the key is shown only this once"),
    "cli.key_revoked": ("已吊销密钥 {key_id}", "revoked key {key_id}"),
    "cli.replay_written": (
        "变化 → {path}；summary.csv、invalid.csv、replay.html 在同一文件夹",
        "changes → {path}; summary.csv, invalid.csv, replay.html beside it",
    ),
    # `serve`'s own refusals; the reason after 拒绝启动 is the settings check's (operators read it beside
    # docs/operations.md, in English)
    "cli.start_refused": ("拒绝启动：{detail}", "refusing to start: {detail}"),
    "cli.no_bundle_today": (
        "拒绝启动：GRADEGATE_RULES_SOURCE=database，但 {url} 中没有今天生效的规则包；请用 gradegate rules publish 发布",
        "refusing to start: GRADEGATE_RULES_SOURCE=database but no rule bundle in {url} is effective today; "
        "publish one with `gradegate rules publish`",
    ),
    "cli.bundle_today_broken": (
        "拒绝启动：今天生效的规则包 {hash} 无法加载：",
        "refusing to start: the bundle {hash} effective today does not load:",
    ),
    # a role of a review panel nobody can fill (reviewers.md): how many hold it, what rules each out
    "unfilled.no_holder": ("名册中没有人担任{label}（{role}）", "no expert in the roster holds {role} ({label})"),
    "unfilled.no_candidate": (
        "{label}（{role}）无人可选{where}：名册中有 {holders} 人担任该角色，其中 {why}",
        "no candidate for {role} ({label}){where}: {holders} hold the role — {why}",
    ),
    "unfilled.where": ("（{parts}）", " in {parts}"),
    "unfilled.region": ("地区部：{region}", "region {region}"),
    "unfilled.product_lines": ("产品线：{lines}", "product lines {lines}"),
    "unfilled.out.unavailable": ("{n} 人不可用", "{n} unavailable"),
    "unfilled.out.submitter": ("{n} 人是提交人本人", "{n} the submitter"),
    "unfilled.out.region": ("{n} 人不负责该地区部", "{n} outside the region"),
    "unfilled.out.product_lines": ("{n} 人不负责所涉产品线", "{n} outside the product lines"),
    "unfilled.out.picked": ("{n} 人已被选为前面角色的评审人", "{n} already picked for an earlier role"),
    "list.separator": ("，", ", "),
    # a header of a table we read
    "header.unknown": (
        "未知列 {shown}{hint_zh}；该列未读取",
        "unknown column {shown_en}{hint_en}; the column is not read",
    ),
    "header.twice": (
        "列 {first!r} 与 {second!r} 都是 {label} ({code})；请只保留一列",
        "columns {first!r} and {second!r} are both {code} ({label}); keep one of them",
    ),
    "header.unknown_unit": (
        "列 {written!r}: 单位 {unit!r} 无法识别；金额的单位可以是 {units}",
        "column {written!r}: unit {unit!r} is not known; an amount's unit may be {units}",
    ),
    "header.unit_not_allowed": (
        "列 {written!r}: 只有金额列可以带单位",
        "column {written!r}: only an amount column may carry a unit",
    ),
    "header.scaled_in_table": (
        "{path}: 决策表的金额按元填写；列 {columns} 带有其他单位，请换算为元",
        "{path}: a decision table reads amounts in 元; column(s) {columns} carry another unit: convert them to 元",
    ),
    # a file handed to us as a whole (TableError): the path and the numbers as they are
    "file.missing": ("{path}: 文件不存在", "{path}: no such file"),
    "file.unknown_type": (
        "{path}: 无法识别的文件类型 {suffix!r}；请使用 .csv、.xlsx 或 .jsonl",
        "{path}: unknown file type {suffix!r}; use .csv, .xlsx or .jsonl",
    ),
    "file.not_utf8": (
        "{path}: 不是 UTF-8 文本（第 {byte} 字节）；请另存为 UTF-8",
        "{path}: not UTF-8 text ({why} at byte {byte}); save it as UTF-8",
    ),
    "file.unreadable": ("{path}: 无法作为 {fmt} 文件读取：{error}", "{path}: cannot be read as {fmt}: {error}"),
    "file.line": ("{path}:{line}: {detail_zh}", "{path}:{line}: {detail_en}"),
    "file.empty": (
        "{path}: 文件为空；第一行须是列名",
        "{path}: the file is empty; the first line must name the columns",
    ),
    "file.header_too_long": (
        "{path}: 第一行超过 {limit:,} 个字符；第一行须是列名（这是 CSV 文件吗？）",
        "{path}: the first line is longer than {limit:,} characters; it must name the columns (is this a CSV file?)",
    ),
    "file.row_too_long": (
        "{path}: 有一行超过 {mb} MB；这不是项目表",
        "{path}: a row is longer than {mb} MB; not a table of projects",
    ),
    "file.duplicate_columns": (
        "{path}: 列 {columns} 出现了不止一次；每列只能出现一次",
        "{path}: column(s) {columns} appear more than once",
    ),
    "file.workbook_too_large": (
        "{path}: 工作簿解压后为 {expanded:,} 字节，最多读取 {limit:,} 字节",
        "{path}: the workbook expands to {expanded:,} bytes; at most {limit:,} are read",
    ),
    "file.workbook_ratio": (
        "{path}: {entry} 解压后膨胀 {ratio:,} 倍（{mb:,} MB）；正常的工作簿最多膨胀 {limit} 倍",
        "{path}: {entry} expands {ratio:,}× ({mb:,} MB); a real workbook expands at most {limit}×",
    ),
    "file.too_many_rows": (
        "{rows:,} 行{what_zh}超出 Excel 工作表的容量；请输出为 .csv",
        "{rows:,} {what}rows do not fit an Excel sheet; write a .csv instead",
    ),
    # the roster of review experts (reviewers.md); {where_zh} / {where}: the file line or the inline entry
    "roster.no_file": ("名册文件 {path} 不存在", "cannot read the roster: {error}"),
    "roster.unreadable": ("无法读取名册文件 {path}：{error_zh}", "cannot read the roster: {error}"),
    "roster.not_utf8": (
        "{file}: 不是 UTF-8 文本（第 {byte} 字节）；请将名册另存为 UTF-8 CSV",
        "{file} is not a UTF-8 CSV: {error}",
    ),
    "roster.bad_csv": ("{file}: 无法作为 CSV 文件读取：{error}", "{file} is not a UTF-8 CSV: {error}"),
    "roster.column_missing": (
        "{file}: 缺少列 {field}（{label}）；名册须有以下列：{accepted}",
        "{file}: column {field!r} is missing; the roster's columns are {accepted}",
    ),
    "roster.not_a_list": ("名册必须是专家对象的列表", "roster must be a list of experts"),
    "roster.entry_not_an_object": ("名册第 {number} 项必须是 JSON 对象（一位专家）", "{field} must be an object"),
    "roster.empty": ("名册 {source} 中没有任何专家", "{source}: the roster holds no expert"),
    "roster.located": ("{where_zh}: {detail_zh}", "{where}: {detail_en}"),
    "roster.duplicate": (
        "{where_zh}: {label} {shown} 重复出现；每位专家只能列一次",
        "{where}: expert_id {shown_en} is listed twice",
    ),
    "roster.unknown_role": (
        "{label}: {shown} 不是规则中的权签角色；可选角色：{accepted}",
        "roles: unknown role {shown_en}",
    ),
    "roster.unknown_role_of": (
        "名册 {source} 中专家 {expert_id} 的权签角色 {shown} 不是规则中的角色；可选角色：{accepted}",
        "{source}: expert {expert_id} holds unknown role {shown_en}",
    ),
    "roster.codes_missing": ("{label}为必填项：请填写{shape_zh}", "{field} is required: give {shape}"),
    "roster.codes_wrong_type": ("{label}: {shown} 不是{shape_zh}", "{field}: {shown_en} is not {shape}"),
    "roster.codes_empty": ("{label}为空：请填写{shape_zh}", "{field} is empty: give {shape}"),
    "roster.all_not_allowed": ("{label}不能填 *；请逐一写明", "{field}: * is not allowed here; name them"),
    "roster.available": ("{label}: {shown} 不是 {accepted_zh}", "{field}: {shown_en} is not {accepted}"),
    # the roster as a whole cannot be used: the CLI stops, the service answers 503
    "roster.unusable": ("名册 {path} 无法使用；未处理任何请求：", "the roster {path} cannot be used; nothing was run:"),
    "roster.unavailable": ("名册文件 {path} 无法使用：{issues}", "the roster file {path}: {issues}"),
    "roster.unreachable": (
        "无法读取名册文件 {path}；请在请求中提供 roster",
        "the roster file {path} cannot be read; give `roster`",
    ),
}

# What a number field accepts, in words (the `accepted` code text stays English for machines).
AMOUNT_EXAMPLES_ZH = '12000000、1200万、1.2亿 或 "12,000,000"'
_PATH_PART = re.compile(r"\[\d+\]$")


def field_label(field: str) -> str:
    """The Chinese label of a field code or path: `risk.scope` → 范围风险, `clauses[2]` → 条款[2]."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    index = _PATH_PART.search(field)
    if index:
        return field_label(field[: index.start()]) + index.group()
    head, _, tail = field.partition(".")
    if tail:
        flat = {"risk": "risk_", "level_override": "override_"}.get(head)
        if flat and flat + tail in FIELD_LABELS:
            return FIELD_LABELS[flat + tail]
        return f"{field_label(head)}.{field_label(tail)}"
    return field


def shown_zh(value: Any) -> str:
    """The value as typed, for Chinese messages: strings in double quotes, short."""
    text = f'"{value}"' if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def hint(suggestion: str | None, label: str | None = None) -> tuple[str, str]:
    """The 'did you mean' clause in both languages; `label`: the suggestion's Chinese name, shown beside it."""
    if not suggestion:
        return "", ""
    named = f"{suggestion}（{label}）" if label else suggestion
    return f"（是否为 {named}？）", f" (did you mean {suggestion!r}?)"


def render(key: str, lang: str, **params: Any) -> str:
    zh, en = TEMPLATES[key]
    return (en if lang == "en" else zh).format(**params)


def both(key: str, **params: Any) -> tuple[str, str]:
    """The message in Chinese and in English, for a text that is chosen by language later."""
    return render(key, "zh", **params), render(key, "en", **params)


def issue(
    field: str, value: Any, reason: str, accepted: str | None, *, key: str | None = None, **params: Any
) -> FieldIssue:
    """A FieldIssue whose messages come from the catalogue (key defaults to the reason code)."""
    context = {
        "field": field,
        "label": field_label(field),
        "shown": shown_zh(value),
        "shown_en": show_value(value),
        "accepted": accepted,
        "accepted_zh": accepted,
        **params,
    }
    zh, en = both(key or reason, **context)
    return FieldIssue(field, value, reason, zh, accepted, en)


def table_error(key: str, **params: Any) -> TableError:
    """A TableError worded by the catalogue: Chinese as its text (the CLI prints it), English beside it."""
    return TableError(*both(key, **params))


def number_accepted(minimum: float, integer: bool) -> tuple[str, str]:
    """(accepted, in English for machines; the same in Chinese for messages)."""
    if integer:
        return f"a whole number ≥ {minimum:g}, such as 3", f" ≥ {minimum:g} 的整数，如 3"
    return (
        f'a number ≥ {minimum:g}, such as 12000000, 1200万, 1.2亿 or "12,000,000"',
        f" ≥ {minimum:g} 的金额，如 {AMOUNT_EXAMPLES_ZH}",
    )
