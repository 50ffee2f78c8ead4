/** The part of jStat (which ships no types) that the analysis uses. */
declare module 'jstat' {
  const jstat: {
    jStat: {
      chisquare: { cdf(x: number, dof: number): number };
    };
  };
  export default jstat;
}
