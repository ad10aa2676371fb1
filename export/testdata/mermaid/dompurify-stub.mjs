// A stand-in for DOMPurify, which needs a browser DOM that node lacks.
// Mermaid calls it only to clean label HTML before drawing; parsing, which
// is all this check asks of Mermaid, does not depend on it. Labels come
// back as written, so the Go test sees exactly what the report wrote.
const purify = {
  addHook() {},
  removeHook() {},
  removeHooks() {},
  removeAllHooks() {},
  setConfig() {},
  clearConfig() {},
  isSupported: false,
  sanitize(text) {
    return String(text);
  },
};
export default purify;
