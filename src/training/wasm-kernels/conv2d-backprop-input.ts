// wasm's Conv2DBackpropInput is correct but a naive loop: 12-14x slower than a forward XNNPACK conv with
// the same work at stride 2 — and it is also the forward pass of Conv2DTranspose. The input gradient is a
// stride-1 "full" convolution of dy with the spatially flipped, in/out-swapped filter; for stride s, dy
// first gets s-1 zeros between its rows and columns (the transpose of striding). When the kernel size
// equals the stride there is a cheaper exact form (below).
import {
  convInfo,
  explicitPad,
  runFallback,
  wasmKernel,
  withScope,
  type KernelArgs,
  type KernelConfig,
  type TF,
  type TensorInfo,
  type WasmScope,
} from './wasm-context.js';

export function conv2dBackpropInputConfig(tf: TF, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const info = convInfo(tf, attrs.inputShape as number[], filter.shape, attrs, 1);
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const hoUp = (ho - 1) * sh + 1;
    const woUp = (wo - 1) * sw + 1;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h + kh - 1 - hoUp - top;
    const right = w + kw - 1 - woUp - left;
    const fast =
      info.dataFormat === 'channelsLast' &&
      dy.shape[1] === ho &&
      dy.shape[2] === wo &&
      Math.min(top, left, bottom, right) >= 0;
    if (!fast) {
      return runFallback(original, args);
    }
    const [, , inC, outC] = filter.shape;
    if (kh === sh && kw === sw && sh === sw && sh > 1 && info.padInfo.top === 0 && info.padInfo.left === 0 && h === ho * sh && w === wo * sw) {
      // Kernel size = stride (the U-Net up-convolution): windows do not overlap, so every output cell gets
      // exactly one tap — one 1×1 conv to kh·kw·C channels, then DepthToSpace puts them in place.
      return withScope(tf, backend, (s) => {
        const t = s.run('Transpose', { x: filter }, { perm: [3, 0, 1, 2] });
        const f = s.run('Reshape', { x: t }, { shape: [1, 1, outC, kh * kw * inC] });
        const cols = s.run('Conv2D', { x: dy, filter: f }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' });
        return depthToSpace(s, cols, sh, inC);
      });
    }
    return withScope(tf, backend, (s) => {
      const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      const dyUp = sh === 1 && sw === 1 ? dy : insertZeros(s, dy, sh, sw, hoUp, woUp);
      return s.run(
        'Conv2D',
        { x: dyUp, filter: swapped },
        { strides: [1, 1], dilations: [1, 1], pad: explicitPad({ top, bottom, left, right }), dataFormat: 'NHWC' },
      );
    });
  };
  return wasmKernel('Conv2DBackpropInput', kernelFunc, original);
}

/** dy [n, ho, wo, c] → [n, hoUp, woUp, c] with dy at every (sh, sw)-th cell and zeros elsewhere. */
function insertZeros(s: WasmScope, dy: TensorInfo, sh: number, sw: number, hoUp: number, woUp: number): TensorInfo {
  const [n, ho, wo, c] = dy.shape;
  const out = s.alloc([n, hoUp, woUp, c]);
  // Views after the allocation: growing the heap detaches older views.
  const src = s.backend.typedArrayFromHeap(dy);
  const dst = s.backend.typedArrayFromHeap(out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      const rowOut = (b * hoUp + i * sh) * woUp;
      const rowIn = (b * ho + i) * wo;
      for (let j = 0; j < wo; j++) {
        const from = (rowIn + j) * c;
        dst.set(src.subarray(from, from + c), (rowOut + j * sw) * c);
      }
    }
  }
  return out;
}

/** cols [n, ho, wo, r·r·c] → [n, ho·r, wo·r, c], as DepthToSpace (wasm's own is ~15x slower than this). */
function depthToSpace(s: WasmScope, cols: TensorInfo, r: number, c: number): TensorInfo {
  const [n, ho, wo] = cols.shape;
  const out = s.alloc([n, ho * r, wo * r, c]);
  const src = s.backend.typedArrayFromHeap(cols);
  const dst = s.backend.typedArrayFromHeap(out);
  const rowOut = wo * r * c;
  let from = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        for (let a = 0; a < r; a++) {
          let to = ((b * ho + i) * r + a) * rowOut + j * r * c;
          for (let q = 0; q < r * c; q++) dst[to++] = src[from++];
        }
      }
    }
  }
  return out;
}
