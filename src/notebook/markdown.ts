// Markdown cells rendered safely: markdown-it with raw HTML off (`<script>`, `<img onerror>` and
// any other tag come out as text) and its link validation (no `javascript:`, `vbscript:`,
// `file:` or non-image `data:` URLs: such links stay plain text). Links open in a new tab
// without access to this one. The output is the only HTML the notebook view injects.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  t.attrSet('target', '_blank');
  t.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Headings sit under the cell's own title (an h3), so `#` becomes an h4, `##` an h5 and deeper ones an
// h6: the page's heading outline stays in order for screen readers. data-level keeps the author's
// level, which the view uses for the size.
const HEADING_SHIFT = 3;
for (const rule of ['heading_open', 'heading_close'] as const) {
  md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
    const t = tokens[idx]!;
    const level = Number(t.tag.slice(1));
    t.tag = `h${Math.min(6, level + HEADING_SHIFT)}`;
    if (rule === 'heading_open') t.attrSet('data-level', String(level));
    return self.renderToken(tokens, idx, options);
  };
}

/** Render markdown to HTML that is safe to inject (no raw HTML, no script URLs); headings start at h4. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}

/** Words in a markdown text (the markdown cell's "result"). */
export function countWords(source: string): number {
  return source.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
