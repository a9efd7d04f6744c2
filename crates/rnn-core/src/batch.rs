//! A batch of sequences in the engine's layout: time step t of example b is
//! column t·B + b.

use crate::loss::{LossKind, Targets};
use crate::real::Real;
use crate::{Error, Invalid, Mismatch};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Where the network produces outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// One input, one output: a sequence of length 1.
    OneToOne,
    /// A whole sequence in, one output after the last step.
    ManyToOne,
    /// An output at every step (aligned many-to-many).
    ManyToMany,
}

impl Structure {
    /// How many output steps a sequence of `seq_len` produces.
    pub fn output_steps(self, seq_len: usize) -> usize {
        match self {
            Structure::ManyToMany => seq_len,
            _ => 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Batch<T: Real> {
    pub seq_len: usize,
    pub batch_size: usize,
    /// I × (seq_len · batch_size).
    pub inputs: DMatrix<T>,
    /// One column per example per output step, in the same order.
    pub targets: Targets<T>,
}

impl<T: Real> Batch<T> {
    pub fn cast<U: Real>(&self) -> Batch<U> {
        Batch {
            seq_len: self.seq_len,
            batch_size: self.batch_size,
            inputs: self.inputs.map(|x| U::of(x.f64())),
            targets: self.targets.cast(),
        }
    }

    /// Checks the batch fits a network with these sizes.
    pub fn validate(
        &self,
        input_size: usize,
        output_size: usize,
        structure: Structure,
        loss: LossKind,
    ) -> Result<(), Error> {
        let (seq_len, batch_size) = (self.seq_len, self.batch_size);
        if seq_len == 0 || batch_size == 0 {
            return Err(Invalid::EmptyBatch { seq_len, batch_size }.into());
        }
        if structure == Structure::OneToOne && seq_len != 1 {
            return Err(Invalid::OneToOneSeqLen { got: seq_len }.into());
        }
        let expected = (input_size, seq_len * batch_size);
        if self.inputs.shape() != expected {
            let got = self.inputs.shape();
            return Err(Mismatch::Inputs { expected, got }.into());
        }
        if self.inputs.iter().any(|x| !x.is_finite()) {
            return Err(Invalid::NonFiniteInputs.into());
        }
        let cols = structure.output_steps(seq_len) * batch_size;
        match (&self.targets, loss) {
            (Targets::Values(t), LossKind::Mse) if t.shape() == (output_size, cols) => Ok(()),
            (Targets::Classes(c), LossKind::CrossEntropy) if c.len() == cols => {
                match c.iter().flatten().find(|&&k| k as usize >= output_size) {
                    Some(&k) => Err(Invalid::TargetClass {
                        class: k as usize,
                        classes: output_size,
                    }
                    .into()),
                    None => Ok(()),
                }
            }
            _ => Err(Mismatch::Targets {
                loss,
                outputs: output_size,
                columns: cols,
            }
            .into()),
        }
    }
}
