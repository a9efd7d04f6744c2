//! A batch of sequences in the engine's layout: time step t of example b is
//! column t·B + b.

use crate::loss::{LossKind, Targets};
use crate::real::Real;
use crate::Error;
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
        if self.seq_len == 0 || self.batch_size == 0 {
            return Err(Error::Invalid(
                "sequence length and batch size must be at least 1".into(),
            ));
        }
        if structure == Structure::OneToOne && self.seq_len != 1 {
            return Err(Error::Invalid(
                "a one-to-one network reads sequences of length 1".into(),
            ));
        }
        if self.inputs.shape() != (input_size, self.seq_len * self.batch_size) {
            return Err(Error::Shape(format!(
                "inputs are {:?}, expected ({input_size}, {})",
                self.inputs.shape(),
                self.seq_len * self.batch_size
            )));
        }
        if self.inputs.iter().any(|x| !x.is_finite()) {
            return Err(Error::Invalid("inputs contain NaN or infinity".into()));
        }
        let cols = structure.output_steps(self.seq_len) * self.batch_size;
        match (&self.targets, loss) {
            (Targets::Values(t), LossKind::Mse) if t.shape() == (output_size, cols) => Ok(()),
            (Targets::Classes(c), LossKind::CrossEntropy) if c.len() == cols => {
                if c.iter().flatten().any(|&k| k as usize >= output_size) {
                    Err(Error::Invalid(format!(
                        "a target class is not below {output_size}"
                    )))
                } else {
                    Ok(())
                }
            }
            _ => Err(Error::Shape(format!(
                "targets do not fit {loss:?} with {output_size} outputs over {cols} columns"
            ))),
        }
    }
}
