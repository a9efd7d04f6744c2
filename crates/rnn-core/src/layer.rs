//! One recurrent layer over a whole batch of sequences: forward through all
//! time steps, then exact backpropagation through time.
//!
//! Layout. A batch of B sequences of length T is one matrix with T·B
//! columns: block p (columns p·B .. p·B+B) holds time step p of every
//! example, so a column is one example at one step. This lets the input
//! product U·X and the weight gradients ∂L/∂U, ∂L/∂W be large matrix
//! products over many steps at once, leaving only W·h_{t−1} and Wᵀ·δ_t
//! inside the time loop. All buffers live in a workspace that is reused
//! across training steps, so the time loop allocates nothing.
//!
//! Every pass works on a span of time steps, so that a training step can be
//! cut into small units (see `schedule`): `start_forward`, then `inputs` and
//! `forward_steps` over spans in order; `start_backward`, then
//! `backward_steps` over spans last first, and `gradients` over spans.
//!
//! "Processing order": a backward-direction layer is fed the sequence
//! reversed; everything here is indexed in the order the layer saw it, and
//! the network maps it back to real time.

use crate::activation::{sigmoid, Activation};
use crate::cell::CellKind;
use crate::param::Param;
use crate::real::{flush_subnormals, norm_f64, Real};
use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut, Dyn};
use std::ops::Range;

/// What the backward pass records for the trace, per processing step, for
/// one chosen example.
#[derive(Clone, Debug, Default)]
pub struct LayerRecord {
    pub example: usize,
    /// ‖∂L/∂h_p‖ for that example (the total gradient reaching the state).
    pub grad_h: Vec<f64>,
    /// ‖∂L/∂c_p‖ (LSTM only).
    pub grad_c: Vec<f64>,
    /// Gradient entries (whole batch) flushed from subnormal to zero at p.
    pub flushed: Vec<u32>,
    /// ‖(∂L/∂W)_p‖: the Frobenius norm of step p's term in ∂L/∂W (whole batch).
    pub grad_w_step: Vec<f64>,
    /// ‖∂L/∂a_p‖ for that example: the gradient at the pre-activations,
    /// every gate stacked (δ_p = φ'(a_p) ⊙ ∂L/∂h_p for the plain RNN).
    pub grad_pre: Vec<f64>,
    /// ‖what step p sends back to h_{p−1}‖ for that example: Wᵀ·δ_p (the
    /// GRU adds z_p ⊙ ∂L/∂h_p), before a truncation window stops it.
    pub grad_back: Vec<f64>,
}

#[derive(Clone, Debug)]
pub struct Layer<T: Real> {
    pub kind: CellKind,
    /// φ of the plain RNN; LSTM and GRU use σ and tanh by definition.
    pub activation: Activation,
    pub input: usize,
    pub hidden: usize,
    pub u: Param<T>,
    pub w: Param<T>,
    pub b: Param<T>,
    /// GRU only.
    pub b_hn: Option<Param<T>>,
    ws: Workspace<T>,
}

#[derive(Clone, Debug, Default)]
struct Workspace<T: Real> {
    steps: usize,
    batch: usize,
    /// Whether this layer reads the sequence last step first.
    reverse: bool,
    /// I × TB, inputs in processing order.
    x: DMatrix<T>,
    /// G·H × TB, pre-activations of every gate.
    pre: DMatrix<T>,
    /// G·H × TB, gate values after their nonlinearity (LSTM, GRU).
    act: DMatrix<T>,
    /// H × (T+1)B, h_0 (zeros) then every step's state.
    hs: DMatrix<T>,
    /// LSTM: H × (T+1)B cell states, and H × TB tanh(c_t).
    cs: DMatrix<T>,
    tanh_c: DMatrix<T>,
    /// GRU: H × TB, W_n·h_{t−1} + b_hn (what the reset gate multiplies).
    hn: DMatrix<T>,
    /// GRU: G·H × B scratch for W·h_{t−1}.
    gh: DMatrix<T>,
    /// G·H × TB, ∂L/∂(pre-activation) as seen by U and b.
    delta_x: DMatrix<T>,
    /// GRU: G·H × TB, the same as seen by W (its n-rows carry the extra r).
    delta_h: DMatrix<T>,
    /// H × G·H: Wᵀ, transposed once per backward pass because nalgebra's
    /// `gemm_tr` is a plain loop while `gemm` runs the blocked SIMD kernel.
    w_t: DMatrix<T>,
    /// H × B: total ∂L/∂h at the current step, the part carried to the
    /// previous step, and (LSTM) the carried ∂L/∂c.
    dh: DMatrix<T>,
    carry: DMatrix<T>,
    dc: DMatrix<T>,
    /// B × B Gram matrices of δ_p and h_{p−1}, B × G·H and B × H transposes
    /// of them, or their G·H × H outer product (trace only).
    gram_d: DMatrix<T>,
    gram_h: DMatrix<T>,
    d_t: DMatrix<T>,
    h_t: DMatrix<T>,
    outer: DMatrix<T>,
}

fn resize<T: Real>(m: &mut DMatrix<T>, r: usize, c: usize) {
    if m.shape() != (r, c) {
        *m = DMatrix::zeros(r, c);
    }
}

impl<T: Real> Workspace<T> {
    fn ensure(&mut self, kind: CellKind, input: usize, hidden: usize, steps: usize, batch: usize) {
        let gh = kind.gates() * hidden;
        let tb = steps * batch;
        self.steps = steps;
        self.batch = batch;
        resize(&mut self.x, input, tb);
        resize(&mut self.pre, gh, tb);
        resize(&mut self.hs, hidden, tb + batch);
        resize(&mut self.w_t, hidden, gh);
        resize(&mut self.delta_x, gh, tb);
        resize(&mut self.dh, hidden, batch);
        resize(&mut self.carry, hidden, batch);
        let (lstm, gru) = (kind == CellKind::Lstm, kind == CellKind::Gru);
        let some = |on: bool, n: usize| if on { n } else { 0 };
        resize(&mut self.act, some(kind != CellKind::Rnn, gh), tb);
        resize(&mut self.cs, some(lstm, hidden), tb + batch);
        resize(&mut self.tanh_c, some(lstm, hidden), tb);
        resize(&mut self.dc, some(lstm, hidden), batch);
        resize(&mut self.hn, some(gru, hidden), tb);
        resize(&mut self.gh, some(gru, gh), batch);
        resize(&mut self.delta_h, some(gru, gh), tb);
    }
}

/// Columns p·B .. p·B+B of `m`: time step p of every example.
fn block<T: Real>(m: &DMatrix<T>, p: usize, batch: usize) -> DMatrixView<'_, T> {
    m.columns(p * batch, batch)
}

fn block_mut<T: Real>(m: &mut DMatrix<T>, p: usize, batch: usize) -> DMatrixViewMut<'_, T> {
    m.columns_mut(p * batch, batch)
}

/// The contiguous slice of block p (column-major: a block is contiguous).
fn slice<T: Real>(m: &DMatrix<T>, p: usize, batch: usize) -> &[T] {
    let n = m.nrows() * batch;
    &m.as_slice()[p * n..(p + 1) * n]
}

fn slice_mut<T: Real>(m: &mut DMatrix<T>, p: usize, batch: usize) -> &mut [T] {
    let n = m.nrows() * batch;
    &mut m.as_mut_slice()[p * n..(p + 1) * n]
}

/// Columns `cols` of `m`, transposed, as a view: no copy, because the blocked
/// product kernel packs its operands anyway and reads any strides. Only for
/// the right operand of `gemm`: nalgebra's fallback for small matrices
/// (a side ≤ 5) walks a strided *left* operand past its end.
pub(crate) fn columns_t<T: Real>(m: &DMatrix<T>, cols: Range<usize>) -> DMatrixView<'_, T, Dyn, Dyn> {
    let r = m.nrows();
    let data = &m.as_slice()[cols.start * r..cols.end * r];
    DMatrixView::from_slice_with_strides(data, cols.len(), r, r, 1)
}

/// Blocks `steps` of `m` (steps of every example), transposed.
fn blocks_t<T: Real>(m: &DMatrix<T>, steps: Range<usize>, batch: usize) -> DMatrixView<'_, T, Dyn, Dyn> {
    columns_t(m, steps.start * batch..steps.end * batch)
}

/// Blocks p (read) and p+1 (write) of a state matrix such as `hs` or `cs`.
fn prev_next<T: Real>(m: &mut DMatrix<T>, p: usize, batch: usize) -> (&[T], &mut [T]) {
    let n = m.nrows() * batch;
    let (a, b) = m.as_mut_slice().split_at_mut((p + 1) * n);
    (&a[p * n..], &mut b[..n])
}

impl<T: Real> Layer<T> {
    /// A layer whose weights are given; `name_prefix` is "" or "fwd."/"bwd.".
    pub fn from_weights(
        kind: CellKind,
        activation: Activation,
        name_prefix: &str,
        u: DMatrix<f64>,
        w: DMatrix<f64>,
        b: DMatrix<f64>,
        b_hn: Option<DMatrix<f64>>,
    ) -> Self {
        let hidden = w.ncols();
        let input = u.ncols();
        Layer {
            kind,
            activation,
            input,
            hidden,
            u: Param::new(format!("{name_prefix}U"), u),
            w: Param::new(format!("{name_prefix}W"), w),
            b: Param::new(format!("{name_prefix}b"), b),
            b_hn: b_hn.map(|v| Param::new(format!("{name_prefix}b_hn"), v)),
            ws: Workspace::default(),
        }
    }

    pub fn visit(&self, f: &mut dyn FnMut(&Param<T>)) {
        f(&self.u);
        f(&self.w);
        f(&self.b);
        if let Some(p) = &self.b_hn {
            f(p);
        }
    }

    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<T>)) {
        f(&mut self.u);
        f(&mut self.w);
        f(&mut self.b);
        if let Some(p) = &mut self.b_hn {
            f(p);
        }
    }

    /// Prepares a forward pass over `steps` steps of `batch` examples, read
    /// last step first when `reverse`: sizes the buffers, h_0 = c_0 = 0.
    pub fn start_forward(&mut self, steps: usize, batch: usize, reverse: bool) {
        let ws = &mut self.ws;
        ws.ensure(self.kind, self.input, self.hidden, steps, batch);
        ws.reverse = reverse;
        block_mut(&mut ws.hs, 0, batch).fill(T::zero());
        if self.kind == CellKind::Lstm {
            block_mut(&mut ws.cs, 0, batch).fill(T::zero());
        }
    }

    /// The input half of the pre-activations for processing steps `steps`,
    /// many steps in one product: a_t = U x_t + b (+ W h_{t−1} later).
    /// `inputs` is I × T·B in real time order.
    pub fn inputs(&mut self, inputs: &DMatrix<T>, steps: Range<usize>) {
        let ws = &mut self.ws;
        let (batch, last) = (ws.batch, ws.steps - 1);
        for p in steps.clone() {
            let t = if ws.reverse { last - p } else { p };
            block_mut(&mut ws.x, p, batch).copy_from(&block(inputs, t, batch));
        }
        let cols = steps.start * batch..steps.end * batch;
        ws.pre.columns_mut(cols.start, cols.len()).gemm(
            T::one(),
            &self.u.value,
            &ws.x.columns(cols.start, cols.len()),
            T::zero(),
        );
        let b = self.b.value.as_slice();
        let pre = &mut ws.pre.as_mut_slice()[cols.start * b.len()..cols.end * b.len()];
        for col in pre.chunks_exact_mut(b.len()) {
            for (v, bi) in col.iter_mut().zip(b) {
                *v += *bi;
            }
        }
    }

    /// The recurrence over processing steps `steps` (in order, after
    /// `inputs` for them and `forward_steps` for every earlier step).
    pub fn forward_steps(&mut self, steps: Range<usize>) {
        for p in steps {
            match self.kind {
                CellKind::Rnn => self.rnn_forward(p),
                CellKind::Lstm => self.lstm_forward(p),
                CellKind::Gru => self.gru_forward(p),
            }
        }
    }

    /// h_t = φ(a_t),  a_t = U x_t + b + W h_{t−1}.
    fn rnn_forward(&mut self, p: usize) {
        let ws = &mut self.ws;
        let batch = ws.batch;
        block_mut(&mut ws.pre, p, batch).gemm(T::one(), &self.w.value, &block(&ws.hs, p, batch), T::one());
        let act = self.activation;
        let (_, h_next) = prev_next(&mut ws.hs, p, batch);
        for (h, a) in h_next.iter_mut().zip(slice(&ws.pre, p, batch)) {
            *h = act.apply(*a);
        }
    }

    /// ∂L/∂a_t = ∂L/∂h_t ⊙ φ'(a_t);  ∂L/∂h_{t−1} = Wᵀ ∂L/∂a_t.
    fn rnn_backward(&mut self, p: usize) -> u32 {
        let ws = &mut self.ws;
        let batch = ws.batch;
        let act = self.activation;
        let h = slice(&ws.hs, p + 1, batch);
        let a = slice(&ws.pre, p, batch);
        let delta = slice_mut(&mut ws.delta_x, p, batch);
        for i in 0..delta.len() {
            delta[i] = ws.dh.as_slice()[i] * act.derivative(a[i], h[i]);
        }
        let flushed = flush_subnormals(delta);
        ws.carry
            .gemm(T::one(), &ws.w_t, &block(&ws.delta_x, p, batch), T::zero());
        flushed
    }

    /// a = U x + b + W h_{t−1};  i, f, o = σ(a_i, a_f, a_o),  g = tanh(a_g)
    /// c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
    fn lstm_forward(&mut self, p: usize) {
        let ws = &mut self.ws;
        let (batch, hd) = (ws.batch, self.hidden);
        block_mut(&mut ws.pre, p, batch).gemm(T::one(), &self.w.value, &block(&ws.hs, p, batch), T::one());
        let pre = slice(&ws.pre, p, batch);
        let act = slice_mut(&mut ws.act, p, batch);
        // Per column, rows 2H..3H are g (tanh); the rest are σ gates.
        for (a4, z4) in act.chunks_exact_mut(4 * hd).zip(pre.chunks_exact(4 * hd)) {
            for (a, z) in a4.iter_mut().zip(z4) {
                *a = sigmoid(*z);
            }
            for (a, z) in a4[2 * hd..3 * hd].iter_mut().zip(&z4[2 * hd..3 * hd]) {
                *a = z.tanh_();
            }
        }
        let (c_prev, c_next) = prev_next(&mut ws.cs, p, batch);
        let tanh_c = slice_mut(&mut ws.tanh_c, p, batch);
        let (_, h_next) = prev_next(&mut ws.hs, p, batch);
        for j in 0..batch {
            let g4 = &act[j * 4 * hd..(j + 1) * 4 * hd];
            for k in 0..hd {
                let (i, f, g, o) = (g4[k], g4[hd + k], g4[2 * hd + k], g4[3 * hd + k]);
                let idx = j * hd + k;
                let c = f * c_prev[idx] + i * g;
                c_next[idx] = c;
                let tc = c.tanh_();
                tanh_c[idx] = tc;
                h_next[idx] = o * tc;
            }
        }
    }

    /// With dh = ∂L/∂h_t and dc = ∂L/∂c_t carried from t+1:
    ///   dc += dh ⊙ o ⊙ (1 − tanh²c_t)
    ///   da_o = dh ⊙ tanh(c_t) ⊙ o(1−o),  da_i = dc ⊙ g ⊙ i(1−i)
    ///   da_f = dc ⊙ c_{t−1} ⊙ f(1−f),    da_g = dc ⊙ i ⊙ (1−g²)
    ///   ∂L/∂c_{t−1} = dc ⊙ f,  ∂L/∂h_{t−1} = Wᵀ da
    /// Returns how many subnormal entries were flushed.
    fn lstm_backward(&mut self, p: usize, record: Option<&mut LayerRecord>) -> u32 {
        let ws = &mut self.ws;
        let (batch, hd) = (ws.batch, self.hidden);
        let act = slice(&ws.act, p, batch);
        let c_prev = slice(&ws.cs, p, batch);
        let tanh_c = slice(&ws.tanh_c, p, batch);
        let dh = ws.dh.as_slice();
        let dc = ws.dc.as_mut_slice();
        for j in 0..batch {
            for k in 0..hd {
                let idx = j * hd + k;
                let o = act[j * 4 * hd + 3 * hd + k];
                dc[idx] += dh[idx] * o * (T::one() - tanh_c[idx] * tanh_c[idx]);
            }
        }
        if let Some(r) = record {
            let e = r.example;
            r.grad_c.push(norm_f64(dc[e * hd..(e + 1) * hd].iter().copied()));
        }
        let delta = slice_mut(&mut ws.delta_x, p, batch);
        for j in 0..batch {
            let g4 = &act[j * 4 * hd..(j + 1) * 4 * hd];
            let d4 = &mut delta[j * 4 * hd..(j + 1) * 4 * hd];
            for k in 0..hd {
                let idx = j * hd + k;
                let (i, f, g, o) = (g4[k], g4[hd + k], g4[2 * hd + k], g4[3 * hd + k]);
                let one = T::one();
                d4[k] = dc[idx] * g * i * (one - i);
                d4[hd + k] = dc[idx] * c_prev[idx] * f * (one - f);
                d4[2 * hd + k] = dc[idx] * i * (one - g * g);
                d4[3 * hd + k] = dh[idx] * tanh_c[idx] * o * (one - o);
                dc[idx] *= f;
            }
        }
        let flushed = flush_subnormals(delta) + flush_subnormals(dc);
        ws.carry
            .gemm(T::one(), &ws.w_t, &block(&ws.delta_x, p, batch), T::zero());
        flushed
    }

    /// r = σ(U_r x + b_r + W_r h), z = σ(U_z x + b_z + W_z h)
    /// n = tanh(U_n x + b_n + r ⊙ (W_n h + b_hn)),  h_t = (1−z) ⊙ n + z ⊙ h_{t−1}
    fn gru_forward(&mut self, p: usize) {
        let ws = &mut self.ws;
        let (batch, hd) = (ws.batch, self.hidden);
        ws.gh
            .gemm(T::one(), &self.w.value, &block(&ws.hs, p, batch), T::zero());
        let b_hn = self.b_hn.as_ref().expect("GRU has b_hn").value.as_slice();
        let pre = slice_mut(&mut ws.pre, p, batch);
        let act = slice_mut(&mut ws.act, p, batch);
        let hn = slice_mut(&mut ws.hn, p, batch);
        let gh = ws.gh.as_slice();
        let (h_prev, h_next) = prev_next(&mut ws.hs, p, batch);
        for j in 0..batch {
            let o = j * 3 * hd;
            for k in 0..hd {
                let idx = j * hd + k;
                pre[o + k] += gh[o + k];
                pre[o + hd + k] += gh[o + hd + k];
                let r = sigmoid(pre[o + k]);
                let z = sigmoid(pre[o + hd + k]);
                let hnk = gh[o + 2 * hd + k] + b_hn[k];
                pre[o + 2 * hd + k] += r * hnk;
                let n = pre[o + 2 * hd + k].tanh_();
                act[o + k] = r;
                act[o + hd + k] = z;
                act[o + 2 * hd + k] = n;
                hn[idx] = hnk;
                h_next[idx] = (T::one() - z) * n + z * h_prev[idx];
            }
        }
    }

    /// With dh = ∂L/∂h_t:
    ///   da_n = dh ⊙ (1−z) ⊙ (1−n²),  da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1−z)
    ///   da_r = da_n ⊙ (W_n h + b_hn) ⊙ r(1−r)
    ///   seen by U, b: [da_r, da_z, da_n];  seen by W, b_hn: [da_r, da_z, da_n ⊙ r]
    ///   ∂L/∂h_{t−1} = dh ⊙ z + Wᵀ [da_r, da_z, da_n ⊙ r]
    fn gru_backward(&mut self, p: usize) -> u32 {
        let ws = &mut self.ws;
        let (batch, hd) = (ws.batch, self.hidden);
        let act = slice(&ws.act, p, batch);
        let hn = slice(&ws.hn, p, batch);
        let h_prev = slice(&ws.hs, p, batch);
        let dh = ws.dh.as_slice();
        let dx = slice_mut(&mut ws.delta_x, p, batch);
        let dhh = slice_mut(&mut ws.delta_h, p, batch);
        let carry = ws.carry.as_mut_slice();
        let one = T::one();
        for j in 0..batch {
            let o = j * 3 * hd;
            for k in 0..hd {
                let idx = j * hd + k;
                let (r, z, n) = (act[o + k], act[o + hd + k], act[o + 2 * hd + k]);
                let da_n = dh[idx] * (one - z) * (one - n * n);
                let da_z = dh[idx] * (h_prev[idx] - n) * z * (one - z);
                let da_r = da_n * hn[idx] * r * (one - r);
                dx[o + k] = da_r;
                dx[o + hd + k] = da_z;
                dx[o + 2 * hd + k] = da_n;
                dhh[o + k] = da_r;
                dhh[o + hd + k] = da_z;
                dhh[o + 2 * hd + k] = da_n * r;
                carry[idx] = dh[idx] * z;
            }
        }
        let flushed = flush_subnormals(dx) + flush_subnormals(dhh);
        ws.carry
            .gemm(T::one(), &ws.w_t, &block(&ws.delta_h, p, batch), T::one());
        flushed
    }

    /// Prepares backpropagation through time after a full forward pass:
    /// nothing is carried in from beyond the last step, every gradient is
    /// zero (the spans add their terms to it), and Wᵀ is transposed once
    /// because the time loop's Wᵀ·δ per step is faster on a packed copy.
    pub fn start_backward(&mut self, record: Option<&mut LayerRecord>) {
        let ws = &mut self.ws;
        ws.carry.fill(T::zero());
        ws.dc.fill(T::zero());
        self.w.value.transpose_to(&mut ws.w_t);
        self.visit_mut(&mut |p| p.zero_grad());
        if let Some(r) = record {
            *r = LayerRecord {
                example: r.example.min(self.ws.batch.saturating_sub(1)),
                ..Default::default()
            };
        }
    }

    /// Which block of the readout's ∂L/∂h reaches processing step p:
    /// `from_readout` has a block per readout step in real time order, so
    /// every step's (many-to-many) or only the last processed step's (many-
    /// to-one, a single block).
    fn readout_block(&self, from_readout: &DMatrix<T>, p: usize) -> Option<usize> {
        let ws = &self.ws;
        let last = ws.steps - 1;
        if from_readout.ncols() == ws.steps * ws.batch {
            Some(if ws.reverse { last - p } else { p })
        } else {
            (p == last).then_some(0)
        }
    }

    /// Backpropagation through processing steps `steps`, last step first;
    /// spans go last span first, after `start_backward`. `from_readout` is
    /// ∂L/∂h arriving from the readout (see `readout_block`). With
    /// `truncation = Some(k)` the gradient is stopped at every k-th step
    /// boundary, as when a training loop detaches the state every k steps.
    pub fn backward_steps(
        &mut self,
        from_readout: &DMatrix<T>,
        steps: Range<usize>,
        truncation: Option<usize>,
        mut record: Option<&mut LayerRecord>,
    ) {
        let (batch, hd) = (self.ws.batch, self.hidden);
        for p in steps.rev() {
            // Total ∂L/∂h_p: from the readout at this step plus from step p+1.
            match self.readout_block(from_readout, p) {
                Some(k) => {
                    let dh = self.ws.dh.as_mut_slice();
                    for ((d, o), c) in dh
                        .iter_mut()
                        .zip(slice(from_readout, k, batch))
                        .zip(self.ws.carry.as_slice())
                    {
                        *d = *o + *c;
                    }
                }
                None => self.ws.dh.copy_from(&self.ws.carry),
            }
            if let Some(r) = record.as_deref_mut() {
                let e = r.example;
                r.grad_h.push(norm_f64(
                    self.ws.dh.as_slice()[e * hd..(e + 1) * hd].iter().copied(),
                ));
            }
            let mut flushed = match self.kind {
                CellKind::Rnn => self.rnn_backward(p),
                CellKind::Lstm => self.lstm_backward(p, record.as_deref_mut()),
                CellKind::Gru => self.gru_backward(p),
            };
            flushed += flush_subnormals(self.ws.carry.as_mut_slice());
            if let Some(r) = record.as_deref_mut() {
                r.flushed.push(flushed);
                r.grad_w_step.push(self.grad_w_norm(p));
                let (e, gh) = (r.example, self.ws.delta_x.nrows());
                let delta = &slice(&self.ws.delta_x, p, batch)[e * gh..(e + 1) * gh];
                r.grad_pre.push(norm_f64(delta.iter().copied()));
                let back = &self.ws.carry.as_slice()[e * hd..(e + 1) * hd];
                r.grad_back.push(norm_f64(back.iter().copied()));
            }
            if matches!(truncation, Some(k) if k > 0 && p % k == 0) {
                self.ws.carry.fill(T::zero());
                self.ws.dc.fill(T::zero());
            }
        }
    }

    /// ‖δ_p h_{p−1}ᵀ‖_F, step p's term of ∂L/∂W, for the trace, the cheaper
    /// of two ways. Its square is Σ_{b,b'} (δ_b·δ_b')(h_b·h_b'): two B × B
    /// Gram matrices, 2·B²·(G·H + H) flops, instead of the G·H × H outer
    /// product, 2·G·H·H·B — cheaper unless the batch outgrows the hidden
    /// size. Either runs on the blocked kernel (through transposed copies:
    /// nalgebra's `gemm_tr` is a plain loop, which made a traced step half
    /// again as long).
    fn grad_w_norm(&mut self, p: usize) -> f64 {
        let ws = &mut self.ws;
        let batch = ws.batch;
        let d = block(delta_w(self.kind, &ws.delta_x, &ws.delta_h), p, batch);
        let h = block(&ws.hs, p, batch);
        let (gh, hd) = (d.nrows(), h.nrows());
        resize(&mut ws.h_t, batch, hd);
        h.transpose_to(&mut ws.h_t);
        if batch * (gh + hd) > gh * hd {
            resize(&mut ws.outer, gh, hd);
            ws.outer.gemm(T::one(), &d, &ws.h_t, T::zero());
            return norm_f64(ws.outer.iter().copied());
        }
        resize(&mut ws.gram_d, batch, batch);
        resize(&mut ws.gram_h, batch, batch);
        resize(&mut ws.d_t, batch, gh);
        d.transpose_to(&mut ws.d_t);
        ws.gram_d.gemm(T::one(), &ws.d_t, &d, T::zero());
        ws.gram_h.gemm(T::one(), &ws.h_t, &h, T::zero());
        ws.gram_d
            .iter()
            .zip(ws.gram_h.iter())
            .map(|(a, b)| a.f64() * b.f64())
            .sum::<f64>()
            .max(0.0)
            .sqrt()
    }

    /// Adds processing steps `steps`' terms to the weight gradients, many
    /// steps in one product (after `backward_steps` has covered them):
    ///   ∂L/∂U += Σ_t δ_t x_tᵀ,  ∂L/∂b += Σ_t δ_t,  ∂L/∂W += Σ_t δ_t h_{t−1}ᵀ
    ///   ∂L/∂b_hn += Σ_t da_n ⊙ r (GRU: the n-rows of δ as seen by W).
    pub fn gradients(&mut self, steps: Range<usize>) {
        let (batch, hd) = (self.ws.batch, self.hidden);
        let cols = steps.start * batch..steps.end * batch;
        let ws = &self.ws;
        let gh = ws.delta_x.nrows();
        let delta_x = ws.delta_x.columns(cols.start, cols.len());
        self.u.grad.gemm(
            T::one(),
            &delta_x,
            &blocks_t(&ws.x, steps.clone(), batch),
            T::one(),
        );
        add_row_sums(&ws.delta_x, cols.clone(), 0..gh, &mut self.b.grad);
        // hs block p is h_{p−1}, the state step p started from.
        let delta_w = delta_w(self.kind, &ws.delta_x, &ws.delta_h);
        self.w.grad.gemm(
            T::one(),
            &delta_w.columns(cols.start, cols.len()),
            &blocks_t(&ws.hs, steps, batch),
            T::one(),
        );
        if let Some(b_hn) = &mut self.b_hn {
            add_row_sums(delta_w, cols, 2 * hd..3 * hd, &mut b_hn.grad);
        }
    }

    /// After a forward pass, the first processing step (1-based: 1 is the
    /// first step read) whose state h (or, LSTM, cell state c) is NaN or ±∞
    /// for some example of the batch; `None` if every state is finite. It
    /// scans every state, so it is for once something is known to be wrong.
    pub fn first_nonfinite_step(&self) -> Option<usize> {
        let ws = &self.ws;
        let bad = |m: &DMatrix<T>, p: usize| slice(m, p, ws.batch).iter().any(|v| !v.is_finite());
        let lstm = self.kind == CellKind::Lstm;
        // Block p of `hs` and `cs` is the state after p steps (0 is h_0, c_0).
        (1..=ws.steps).find(|&p| bad(&ws.hs, p) || (lstm && bad(&ws.cs, p)))
    }

    pub fn steps(&self) -> usize {
        self.ws.steps
    }

    pub fn batch(&self) -> usize {
        self.ws.batch
    }

    /// h for processing step p (1-based state index: 0 is the initial state).
    pub fn state(&self, index: usize) -> DMatrixView<'_, T> {
        block(&self.ws.hs, index, self.ws.batch)
    }

    /// All states h_1..h_T as one H × T·B matrix (processing order).
    pub fn states(&self) -> DMatrixView<'_, T> {
        self.ws.hs.columns(self.ws.batch, self.ws.steps * self.ws.batch)
    }

    /// The states that processing steps `steps` produced, transposed
    /// (their B·|steps| × H view, for ∂L/∂V).
    pub fn states_t(&self, steps: Range<usize>) -> DMatrixView<'_, T, Dyn, Dyn> {
        blocks_t(&self.ws.hs, steps.start + 1..steps.end + 1, self.ws.batch)
    }

    /// U·x_p and W·h_{p−1} for one example at processing step p, in f64
    /// from the layer's current weights and the last forward pass's inputs
    /// and states (h_0 = 0): the two products the pre-activations were
    /// summed from, for the trace. Call before an update moves the weights.
    pub(crate) fn terms(&self, p: usize, example: usize) -> (Vec<f64>, Vec<f64>) {
        let x = self.column(Buffer::Input, p, example);
        let h_prev = if p == 0 {
            vec![0.0; self.hidden]
        } else {
            self.column(Buffer::State, p - 1, example)
        };
        let product = |m: &DMatrix<T>, v: &[f64]| -> Vec<f64> {
            (0..m.nrows())
                .map(|r| (0..m.ncols()).map(|c| m[(r, c)].f64() * v[c]).sum())
                .collect()
        };
        (product(&self.u.value, &x), product(&self.w.value, &h_prev))
    }

    /// One example's column at processing step p of an internal buffer.
    pub(crate) fn column(&self, which: Buffer, p: usize, example: usize) -> Vec<f64> {
        let ws = &self.ws;
        let m = match which {
            Buffer::Pre => &ws.pre,
            Buffer::Act => &ws.act,
            Buffer::State => &ws.hs,
            Buffer::Cell => &ws.cs,
            Buffer::Input => &ws.x,
        };
        let col = match which {
            // States carry h_0 / c_0 in block 0: step p's output is block p+1.
            Buffer::State | Buffer::Cell => (p + 1) * ws.batch + example,
            _ => p * ws.batch + example,
        };
        if m.ncols() <= col {
            return Vec::new();
        }
        m.column(col).iter().map(|v| v.f64()).collect()
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Buffer {
    Pre,
    Act,
    State,
    Cell,
    Input,
}

/// δ as seen by W: the GRU's n-rows carry the extra factor r (`delta_h`).
fn delta_w<'a, T: Real>(kind: CellKind, delta_x: &'a DMatrix<T>, delta_h: &'a DMatrix<T>) -> &'a DMatrix<T> {
    if kind == CellKind::Gru {
        delta_h
    } else {
        delta_x
    }
}

/// out += Σ over columns `cols` of rows `rows` of m (out is |rows| × 1), on
/// plain slices so that the compiler vectorises it.
fn add_row_sums<T: Real>(m: &DMatrix<T>, cols: Range<usize>, rows: Range<usize>, out: &mut DMatrix<T>) {
    let n = m.nrows();
    let o = out.as_mut_slice();
    for col in m.as_slice()[cols.start * n..cols.end * n].chunks_exact(n) {
        for (acc, v) in o.iter_mut().zip(&col[rows.clone()]) {
            *acc += *v;
        }
    }
}
