// The stored colour theme, applied before the first paint: a classic script in <head> runs before
// the page is drawn, where the app's module script runs later (a dark theme chosen on a light
// system would flash light for a frame). The same rule as readTheme/applyTheme in
// src/lib/theme.ts (test/unit/shell/theme.test.ts runs this file against them).
try {
  var choice = localStorage.getItem('lab-theme');
  if (choice === 'light' || choice === 'dark') document.documentElement.setAttribute('data-theme', choice);
} catch (e) {
  // Storage blocked: the page follows the system.
}
