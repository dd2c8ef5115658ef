import escapeHtml from 'escape-html';
import { labelOf } from '../../workflows';
import { text } from '../common/printable-page';
import type { CaseFileDto } from './case-file.dto';

/** A finding's state in both languages, as the page is read by the hospital and its auditors. */
const stateName = (state: string): string => {
  const label = labelOf('state', state);
  return label ? `${label.zh} ${label.en}` : state;
};

const json = (value: unknown): string => escapeHtml(JSON.stringify(value, null, 1));
const stateOf = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  const progress = (value as { progress?: unknown }).progress;
  const name = typeof progress === 'string' ? progress : (progress as { open?: string } | undefined)?.open;
  return name ? text(stateName(name)) : text(JSON.stringify(value));
};

/** The case file as a page to print and sign: the finding, every entry with its hash and link, every file with its check. */
export function renderCaseFile(file: CaseFileDto): string {
  const { finding } = file;
  const rows = file.entries
    .map(
      (entry) => `<tr${entry.linked || entry.hash === null ? '' : ' class="broken"'}>
  <td>${entry.seq ?? ''}</td><td>${text(new Date(entry.at).toISOString())}</td>
  <td>${text(entry.actorName ?? entry.actorId ?? 'system')}<br><small>${text(entry.actorRole)}</small></td>
  <td><b>${text(entry.event)}</b><br><small>${stateOf(entry.from)} → ${stateOf(entry.to)}</small></td>
  <td><pre>${json(entry.payload)}</pre></td>
  <td class="hash">${entry.hash === null ? '… 待链接 not linked yet' : `${text(entry.hash)}<br>${entry.linked ? '✓ 链接完整 linked' : '✗ 链接断裂 BROKEN'}`}</td>
</tr>`,
    )
    .join('\n');
  const files = file.attachments
    .map(
      (attachment) => `<tr${attachment.intact ? '' : ' class="broken"'}>
  <td>${text(attachment.originalName)}</td><td>${text(attachment.contentType)}</td><td>${attachment.size}</td>
  <td>${text(attachment.effectiveDate)}</td><td>${text(new Date(attachment.uploadedAt).toISOString())}</td>
  <td class="hash">${text(attachment.sha256)}<br>${attachment.intact ? '✓ 文件完整 intact' : '✗ 文件已变 CHANGED OR MISSING'}</td>
</tr>`,
    )
    .join('\n');
  const interviews = file.interviews
    .map(
      (interview) => `<tr>
  <td>${text(interview.heldOn)}</td><td>${text(interview.departmentName)}</td><td>${text(interview.personName)}</td>
  <td>${text(interview.recordedByName)}</td><td><pre>${text(interview.summary)}</pre></td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>问题案卷 Case file — ${text(finding.title)}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; }
  h1 { font-size: 1.4em; } table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; font-size: .85em; }
  th, td { border: 1px solid #999; padding: .3em .5em; vertical-align: top; text-align: left; }
  th { background: #eee; } pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: .9em; }
  .hash { font-family: monospace; font-size: .8em; word-break: break-all; } .broken { background: #fdd; }
  .verdict { font-size: 1.1em; padding: .5em; border: 2px solid ${file.intact ? '#2a2' : '#c22'}; }
  .sign { margin-top: 3em; } @media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>问题案卷 Case file: ${text(finding.title)}</h1>
<table>
  <tr><th>编号 Id</th><td>${text(finding.id)}</td><th>查房类型 Round type</th><td>${text(finding.roundType)}</td></tr>
  <tr><th>严重程度 Severity</th><td>${text(finding.severity)}</td><th>状态 State</th><td>${text(stateName(finding.state))}</td></tr>
  <tr><th>责任科室 Department</th><td>${text(finding.responsibleDepartmentId)}</td><th>整改时限 Deadline</th><td>${text(finding.deadline)}</td></tr>
  <tr><th>问题描述 Description</th><td colspan="3">${text(finding.description)}</td></tr>
  <tr><th>整改措施 Measures</th><td colspan="3">${text(finding.measures)}</td></tr>
</table>
<p class="verdict">${file.intact ? '✓ 全部记录链接完整，全部文件与记录的哈希一致。Every entry links to the chain and every file matches its recorded hash.' : '✗ 有记录或文件未通过校验（红色行）。Some entries or files do not verify (rows in red).'}</p>
<h2>流转记录 History (${file.entries.length})</h2>
<table>
<tr><th>序号 Seq</th><th>时间 Time (UTC)</th><th>操作人 Actor</th><th>事件 Event</th><th>内容 Payload</th><th>哈希 Hash</th></tr>
${rows}
</table>
<h2>佐证材料 Evidence files (${file.attachments.length})</h2>
<table>
<tr><th>文件名 Name</th><th>类型 Type</th><th>字节 Bytes</th><th>证据日期 Effective date</th><th>上传时间 Uploaded (UTC)</th><th>SHA-256</th></tr>
${files}
</table>
<h2>约谈记录 Admonition interviews (${file.interviews.length})</h2>
<table>
<tr><th>约谈日期 Held on</th><th>科室 Department</th><th>约谈对象 Person</th><th>记录人 Recorded by</th><th>约谈内容 Summary</th></tr>
${interviews}
</table>
<p>生成时间 Generated: ${text(file.generatedAt.toISOString())}</p>
<p class="sign">审核人 Reviewed by: ____________________ &nbsp;&nbsp; 日期 Date: ____________</p>
</body>
</html>
`;
}
