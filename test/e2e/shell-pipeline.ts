/** A small three-stage shell pipeline; each execution appends a line to counts/<unit>. */
export function shellPipeline(opts: { level?: number; extraEnv?: string; description?: string; slow?: boolean } = {}): string {
  const level = opts.level ?? 1;
  return `# test pipeline
name: shell-study
stages:
  prep:
    kind: shell
    description: ${opts.description ?? 'prepare'}
    cmd: 'echo x >> counts/prep; cat input.txt > "$PIPE_OUT/prep.txt"; echo "level $LEVEL" >> "$PIPE_OUT/prep.txt"'
    deps: [input.txt]
    outs: [prep.txt]
    env:
      LEVEL: ${level}${opts.extraEnv ? `\n      ${opts.extraEnv}` : ''}
  train:
    kind: shell
    needs: [prep]
    foreach: [a, b, c, d]
    cmd: 'echo x >> counts/train-$PIPE_ITEM; if [ -f slow-$PIPE_ITEM ]; then sleep 20; fi;
      cat "$PIPE_IN_PREP/prep.txt" > "$PIPE_OUT/model.txt"; echo $PIPE_ITEM >> "$PIPE_OUT/model.txt"'
    outs: [model.txt]
  report:
    kind: shell
    needs: [train]
    cmd: 'echo x >> counts/report; cat "$PIPE_IN_TRAIN"/*/model.txt > "$PIPE_OUT/report.txt"'
    outs: [report.txt]
`;
}
