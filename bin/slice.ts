/**
 * The `slice` command line: `npx tsx bin/slice.ts <command> [args]` (or `npm run slice --`).
 * Each subcommand lives in bin/commands/<name>.ts and exports `run(args): Promise<number>`
 * (the exit code); add one by adding a line to COMMANDS.
 */

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  inspect: {
    summary:
      'inspect <file.csv> [--kind contacts|events] [--contacts contacts.csv]: encoding, delimiter, fields, rows, rejected rows',
    load: () => import('./commands/inspect')
  },
  segment: {
    summary:
      "segment --contacts c.csv [--events e.csv] --definition d.json [--now ISO] [--tz Area/City] [--output count|ids] [--identity NAME]: count or list a segment's members",
    load: () => import('./commands/segment')
  },
  sql: {
    summary:
      'sql --definition d.json --contacts c.csv [--dialect duckdb|postgres] [--now ISO] [--tz Area/City]: print the SQL of a segment',
    load: () => import('./commands/sql')
  },
  warehouse: {
    summary:
      'warehouse --contacts c.csv [--events e.csv] [--segments defs/] --out dir [--now ISO] [--tz Area/City]: the files of "Export for a database" (CSV, schema.sql, load.sql, segment SQL)',
    load: () => import('./commands/warehouse')
  },
  report: {
    summary:
      'report --events delivery.csv [--emailing ID] [--tz Area/City] [--preset slice|sendgrid|mailgun] [--format text|json]: delivery figures of an email provider export',
    load: () => import('./commands/report')
  }
};

function usage(): string {
  const lines = ['usage: slice <command> [args]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`slice: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`slice: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
);
