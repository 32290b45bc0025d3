"""Builds the seed's Keras encoder-decoder and saves it as HDF5 with its outputs for a fixed input.

The graph is the one of the seed's `Music_Generation/Src/Components/model_architecture.py`
(github.com/Gourav052003/Emotions-Harmonizer): the same layers, in the same order, with the same names, so that
Keras names the output Dense layers `dense`, `dense_1`, ... as it does there. Only the sample rate and the hidden
widths are parameters (the seed: 22050 and 64,128,256,512); a small build is the test fixture of
`harmonizer import-keras`, the default build is the full 399,890,460-parameter seed model.

Writes into --out:
  seed.h5        the model, saved by Keras as the seed's ModelCheckpoint does (HDF5, with the optimizer's state
                 when --train-steps > 0)
  input.f32      the fixed input, little-endian float32 [batch, encoder_steps, sample_rate]
  expected.f32   Keras's prediction for it, little-endian float32 [batch, decoder_steps, sample_rate]
  fixture.json   the shapes, the settings and the versions used
Run it through make-fixture.sh, which makes the virtual environment.
"""

import argparse
import json
import os

import numpy as np
import tensorflow as tf
from keras import Model
from keras.layers import BatchNormalization, Concatenate, Dense, Input, LeakyReLU, Reshape, Flatten
from keras.optimizers import Adam


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write into (created)")
    parser.add_argument("--sample-rate", type=int, default=22050, help="samples per frame (the seed: 22050)")
    parser.add_argument("--hidden", default="64,128,256,512", help="widths of the 4 hidden blocks")
    parser.add_argument("--encoder-steps", type=int, default=20)
    parser.add_argument("--decoder-steps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=2, help="examples in the fixed input")
    parser.add_argument("--train-steps", type=int, default=0,
                        help="Adam steps on random data before saving (moves the batch-norm statistics and stores "
                             "the optimizer's state in the file, as the seed's ModelCheckpoint does)")
    parser.add_argument("--seed", type=int, default=12)
    return parser.parse_args()


def hidden_blocks(x, unit_no, kind, widths):
    """Dense -> LeakyReLU(0.3) -> BatchNormalization, once per width; names as in the seed."""
    for k, width in enumerate(widths, start=1):
        x = Dense(width, name=f"{kind}_dense_{k}_unit_{unit_no}")(x)
        x = LeakyReLU(0.3, name=f"{kind}_leakyRelu_{k}_unit_{unit_no}")(x)
        x = BatchNormalization(name=f"{kind}_batch_norm_hidden_{k}_{unit_no}")(x)
    return x


def relation_step(frames, unit_no, kind, sample_rate):
    """Concatenate the flat frames, Reshape to (sample_rate, w): the seed's interleaved layout."""
    joined = Concatenate(name=f"{kind}_rel_nn_concatenate_1_unit_{unit_no}")(frames)
    matrix = Reshape((sample_rate, len(frames)))(joined)
    weighted = Dense(1, name=f"{kind}_rel_nn_dense_1_unit_{unit_no}")(matrix)
    activated = LeakyReLU(alpha=0.4)(weighted)
    return Flatten()(activated)


def unit(frames, unit_no, kind, sample_rate, widths, hidden_unit_no=None):
    relation = relation_step(frames, unit_no, kind, sample_rate)
    hidden = hidden_blocks(relation, unit_no if hidden_unit_no is None else hidden_unit_no, kind, widths)
    # The seed wraps its unnamed output Dense in LeakyReLU(alpha=1), the identity.
    output = Dense(sample_rate)(hidden)
    return LeakyReLU(alpha=1)(output)


def seed_model(sample_rate, widths, encoder_steps, decoder_steps):
    inputs, states, outputs = [], [], []
    for t in range(encoder_steps):
        x = Input(sample_rate, name=f"encoder_Input_1_unit_{t}")
        frames = [x, x] if t == 0 else states + [x]
        inputs.append(x)
        states.append(unit(frames, t, "encoder", sample_rate, widths))
    # The seed numbers the context unit's relation 777 and its hidden blocks with the last encoder step.
    context = unit(states, 777, "inter", sample_rate, widths, hidden_unit_no=encoder_steps - 1)
    for t in range(decoder_steps):
        frames = [context, context] if t == 0 else outputs + [context]
        outputs.append(unit(frames, t, "decoder", sample_rate, widths))
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=Adam(learning_rate=0.001), loss="mse")
    return model


def randomise_normalisation(model, rng):
    """Batch norm starts as the identity (gamma 1, beta 0, mean 0, variance 1): give it values an import must carry."""
    for layer in model.layers:
        if isinstance(layer, BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            shape = gamma.shape
            layer.set_weights([
                rng.uniform(0.5, 1.5, shape).astype("float32"),
                rng.normal(0, 0.1, shape).astype("float32"),
                rng.normal(0, 0.1, shape).astype("float32"),
                rng.uniform(0.5, 2.0, shape).astype("float32"),
            ])
        elif isinstance(layer, Dense):
            kernel, bias = layer.get_weights()
            layer.set_weights([kernel, rng.normal(0, 0.05, bias.shape).astype("float32")])


def main():
    args = parse_arguments()
    widths = [int(w) for w in args.hidden.split(",")]
    tf.keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = seed_model(args.sample_rate, widths, args.encoder_steps, args.decoder_steps)
    randomise_normalisation(model, rng)
    if args.train_steps > 0:
        shape = (args.batch, args.sample_rate)
        x = [rng.uniform(-0.5, 0.5, shape).astype("float32") for _ in range(args.encoder_steps)]
        y = [rng.uniform(-0.5, 0.5, shape).astype("float32") for _ in range(args.decoder_steps)]
        model.fit(x, y, batch_size=args.batch, epochs=args.train_steps, verbose=0)

    context = rng.uniform(-0.5, 0.5, (args.batch, args.encoder_steps, args.sample_rate)).astype("float32")
    predicted = model.predict([context[:, t, :] for t in range(args.encoder_steps)], verbose=0)
    expected = np.stack(predicted, axis=1).astype("<f4")

    os.makedirs(args.out, exist_ok=True)
    model.save(os.path.join(args.out, "seed.h5"))
    context.astype("<f4").tofile(os.path.join(args.out, "input.f32"))
    expected.tofile(os.path.join(args.out, "expected.f32"))
    facts = {
        "model": "seed.h5",
        "sampleRate": args.sample_rate,
        "hiddenUnits": widths,
        "encoderSteps": args.encoder_steps,
        "decoderSteps": args.decoder_steps,
        "inputShape": list(context.shape),
        "expectedShape": list(expected.shape),
        "parameters": int(model.count_params()),
        "trainSteps": args.train_steps,
        "seed": args.seed,
        "tensorflow": tf.__version__,
        "expectedPeak": float(np.abs(expected).max()),
    }
    with open(os.path.join(args.out, "fixture.json"), "w") as file:
        json.dump(facts, file, indent=2)
        file.write("\n")
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
