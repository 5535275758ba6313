// Categorical colours for the hourly chart: Okabe–Ito, safe for common colour-vision deficiencies.
export const okabeIto = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];
