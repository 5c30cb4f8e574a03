// Entry of the project's own wasm kernels: `npm run build:wasm` compiles this into dist/wasm/kernels.wasm.
export * from './conv';
export * from './conv-filter-grad';
export * from './pool';
export * from './reduce';
export * from './optim';
export * from './copy';
export * from './elementwise';
