// Writes a Prometheus rule file as YAML with its comments, which std.manifestYamlDoc cannot: a file has a header
// comment, groups, and rules that may carry a comment (hidden field `comment`) printed above them.
local indent(n, s) = std.repeat(' ', n) + s;

local commentLines(n, text) =
  [if line == '' then indent(n, '#') else indent(n, '# ' + line) for line in std.split(std.rstripChars(text, '\n'), '\n')];

// A YAML plain scalar needs none of these; anything else is written as a JSON string, which YAML reads too.
local isPlain(s) =
  s != '' && std.length(std.findSubstr(': ', s)) == 0 && std.length(std.findSubstr(' #', s)) == 0
  && !std.member('{}[]&*!|>\'"%@`#,?:-', s[0]) && !std.endsWith(s, ':') && std.stripChars(s, ' ') == s;

local scalar(s) = if isPlain(s) then s else std.escapeStringJson(s);

// An expression on one line when it fits, else a literal block (PromQL comments, marked #, need one).
local exprLines(n, expr) =
  if std.member(expr, '\n') || std.length(std.findSubstr('#', expr)) > 0 then
    [indent(n, 'expr: |')] + [indent(n + 2, line) for line in std.split(std.rstripChars(expr, '\n'), '\n')]
  else [indent(n, 'expr: ' + scalar(expr))];

local mapLines(n, key, m, render) =
  if std.length(std.objectFields(m)) == 0 then []
  else [indent(n, key + ':')] + [indent(n + 2, k + ': ' + render(m[k])) for k in std.objectFields(m)];

local ruleLines(rule, first) =
  local kind = if std.objectHas(rule, 'alert') then 'alert' else 'record';
  (if !first && (std.objectHasAll(rule, 'comment') || kind == 'alert') then [''] else [])
  + (if std.objectHasAll(rule, 'comment') then commentLines(6, rule.comment) else [])
  + [indent(6, '- ' + kind + ': ' + rule[kind])]
  + exprLines(8, rule.expr)
  + (if std.objectHas(rule, 'for') then [indent(8, 'for: ' + rule['for'])] else [])
  + mapLines(8, 'labels', (if std.objectHas(rule, 'labels') then rule.labels else {}), scalar)
  + mapLines(8, 'annotations', (if std.objectHas(rule, 'annotations') then rule.annotations else {}), std.escapeStringJson);

local groupLines(group, first) =
  (if first then [] else [''])
  + [indent(2, '- name: ' + group.name)]
  + (if std.objectHas(group, 'interval') then [indent(4, 'interval: ' + group.interval)] else [])
  + [indent(4, 'rules:')]
  + std.flattenArrays([ruleLines(group.rules[i], i == 0) for i in std.range(0, std.length(group.rules) - 1)]);

{
  render(file)::
    std.join('\n', commentLines(0, file.header) + ['groups:']
                   + std.flattenArrays([groupLines(file.groups[i], i == 0)
                                        for i in std.range(0, std.length(file.groups) - 1)])) + '\n',
}
