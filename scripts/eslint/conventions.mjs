// House conventions checked by ESLint (`house/file-header`): every source file opens with a comment of
// one or two lines saying what it is for (after a #! line, if any), before its first import.

/** @type {import('eslint').Rule.RuleModule} */
const fileHeader = {
  meta: {
    type: 'suggestion',
    docs: { description: 'A source file starts with a comment saying what it is for' },
    schema: [],
    messages: { missing: 'start the file with a one- or two-line comment saying what it is for' },
  },
  create(context) {
    return {
      Program(node) {
        const src = context.sourceCode;
        const first = src.getAllComments().find((c) => c.type !== 'Shebang');
        const firstToken = src.getFirstToken(node);
        const text = src.getText();
        if (text.trim() === '') return; // an empty file says nothing either way
        if (first && (!firstToken || first.range[0] < firstToken.range[0])) return;
        context.report({ loc: { line: 1, column: 0 }, messageId: 'missing' });
      },
    };
  },
};

export default { meta: { name: 'emotion-studio-conventions' }, rules: { 'file-header': fileHeader } };
