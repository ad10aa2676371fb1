// Resolves "dompurify" to dompurify-stub.mjs (see there why); everything
// else resolves as usual. Installed by check.mjs through module.register.
export async function resolve(specifier, context, next) {
  if (specifier === 'dompurify') {
    return { url: new URL('./dompurify-stub.mjs', import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
