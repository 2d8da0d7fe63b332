// Squeezes the whitespace out of Lit's html`` and css`` templates, which
// terser leaves alone (template text is data to it). Only whitespace is
// touched: runs containing a newline become one space in html``; in css``
// runs collapse and disappear around { } ; , and after ':'; comments go,
// and so do the last ';' of a block and the 0 of '0.5'.
export default function minifyTemplates() {
  return {
    name: 'kefu-minify-templates',
    transform(code, id) {
      if (id.includes('node_modules') || !/\b(html|css) ?`/.test(code)) return null;
      const ast = this.parse(code);
      const edits = [];
      const visit = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && (node.tag.name === 'html' || node.tag.name === 'css')) {
          for (const q of node.quasi.quasis) {
            const raw = code.slice(q.start, q.end);
            const out = node.tag.name === 'css'
              ? raw
                  .replace(/\/\*[\s\S]*?\*\//g, '')
                  .replace(/\s+/g, ' ')
                  .replace(/\s*([{};,])\s*/g, '$1')
                  .replace(/:\s+/g, ':')
                  .replace(/;}/g, '}')
                  .replace(/([^\w.-])0\.(\d)/g, '$1.$2')
              : raw.replace(/\s*\n\s*/g, ' ');
            if (out !== raw) edits.push([q.start, q.end, out]);
          }
        }
        for (const key of Object.keys(node)) {
          const value = node[key];
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object' && typeof value.type === 'string') visit(value);
        }
      };
      visit(ast);
      if (!edits.length) return null;
      edits.sort((a, b) => b[0] - a[0]);
      let result = code;
      for (const [start, end, text] of edits) result = result.slice(0, start) + text + result.slice(end);
      return { code: result, map: null };
    },
  };
}
