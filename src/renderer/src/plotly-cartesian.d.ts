// plotly.js-cartesian-dist-min is the same plotly.js build cut to the 2-D trace types (scatter,
// heatmap, ...: all the views draw), a third of the full bundle's size; it ships no typings of its own.
declare module 'plotly.js-cartesian-dist-min' {
  export * from 'plotly.js-dist-min';
  import Plotly from 'plotly.js-dist-min';
  export default Plotly;
}
