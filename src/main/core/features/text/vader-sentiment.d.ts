// vader-sentiment (the JavaScript port of VADER, Apache-2.0) ships no types: the one call used.
declare module 'vader-sentiment' {
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
  };
}
