/**
 * The numbered sections of docs/setup.md that the setup command's messages point to, written once:
 * a test reads the page's `## N. Title` headings against this table.
 */
export const GUIDE = "docs/setup.md";

export const GUIDE_STEPS = {
  accounts: { n: 1, title: "Accounts" },
  box: { n: 2, title: "The box" },
  keys: { n: 3, title: "Keys" },
  config: { n: 4, title: "Config" },
  credentials: { n: 5, title: "Credentials (least privilege)" },
  firstBoot: { n: 6, title: "The host's first boot" },
  bootstrap: { n: 7, title: "Bootstrap, locally" },
  firstApply: { n: 8, title: "First apply" },
  firstStart: { n: 9, title: "First start on the host" },
  oneOffs: { n: 10, title: "One-offs" },
} as const;

export type GuideStep = keyof typeof GUIDE_STEPS;

/** "step 7", as the messages say it. */
export const step = (name: GuideStep): string => `step ${GUIDE_STEPS[name].n}`;
