"""Inside a recurrent network: a simple RNN in NumPy, BPTT, vanishing/exploding gradients, clipping, LSTM gates."""
import html

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.artifact_store import loaded
from components.data_status import attribution
from components.shell import ensure_app_navigation
from models.rnn import simple_rnn
from core.errors import InputError
from models.rnn.long_memory import clipping_comparison, race
from models.rnn.lstm_gates import gates_over_text
from models.sentiment.artifacts import SENTIMENT_MODELS

ensure_app_navigation()

COLORS = ["#d62728", "#1f77b4", "#2ca02c"]  # distinct hues, so two runs never share a shade

st.title("Inside a recurrent network")
st.write(
    "A simple recurrent network (RNN) reads a sequence one step at a time. At each step t it mixes the new input "
    "x(t) with its own previous state h(t-1), and the **same parameters θ = {U, W, b, V, c} are used at every step**:"
)
st.latex(r"a^{(t)} = b + W h^{(t-1)} + U x^{(t)}, \qquad h^{(t)} = \tanh(a^{(t)})")
st.latex(r"o^{(t)} = c + V h^{(t)}, \qquad \hat y^{(t)} = \mathrm{softmax}(o^{(t)})")
st.caption("Everything below is computed live in NumPy (`models/simple_rnn.py`) from these four equations; "
           "the tests check the gradients against finite differences and against TensorFlow's autodiff.")

st.subheader("Controls")
left, middle, right = st.columns(3)
length = left.slider("Sequence length T", 2, 100, 40, help="Steps in the sequences of lessons 2-4.")
hidden = middle.slider("Hidden size (units in h)", 2, 32, 16)
radius = right.slider("Spectral radius of W", 0.1, 3.0, 3.0, step=0.05,
                      help="The largest |eigenvalue| of the recurrent matrix W: how much W stretches h(t-1).")
left, right = st.columns(2)
truncation = left.slider("Truncation k (steps of BPTT)", 1, 100, 100,
                         help="Truncated BPTT(k): the error made at step t flows back through at most k steps. "
                              "k ≥ T is full BPTT.")
clip = right.slider("Clip threshold (gradient norm)", 0.05, 5.0, 0.3, step=0.05,
                    help="Clipping rescales a gradient longer than this back to this length (lesson 3).")
k = None if truncation >= length else truncation

# ----------------------------------------------------------------------------- lesson 1
st.header("1. The unrolled network on a short input")
st.write("Unrolling the loop gives one copy of the network per step, all sharing θ. Here the network reads a word "
         "letter by letter and, at each step, guesses the next letter; J(t) = −log ŷ(t)[next letter].")
word = st.text_input("A short word", value="hello", max_chars=12)


@st.cache_data(show_spinner=False, max_entries=64)
def unrolled(word: str, hidden: int, radius: float, k: int | None):
    x, targets, alphabet = simple_rnn.letters_task(word)
    params = simple_rnn.init_params(len(alphabet), hidden, len(alphabet), radius, seed=0)
    fwd = simple_rnn.forward(params, x)
    result = simple_rnn.bptt(params, x, targets, truncation=k)
    gap = simple_rnn.finite_difference_gap(params, x, targets)
    return alphabet, targets, fwd, result, gap


def unrolled_diagram(word: str, alphabet: list[str], targets: np.ndarray, fwd) -> str:
    """Graphviz source of the unrolled network with the forward values of each step."""
    lines = ["digraph { rankdir=BT; node [shape=box, style=rounded, fontsize=11]; edge [fontsize=10];"]
    for t, letter in enumerate(word):
        h = fwd.h[0, t]
        lines.append(f'x{t} [label="x({t + 1}) = \'{letter}\'"];')
        lines.append(f'h{t} [label="h({t + 1})\\n‖h‖ = {np.linalg.norm(h):.2f}\\nh[0..1] = {h[0]:+.2f}, {h[1]:+.2f}"];')
        guess = alphabet[int(fwd.y_hat[0, t].argmax())]
        lines.append(f'y{t} [label="ŷ({t + 1}): guesses \'{guess}\' ({fwd.y_hat[0, t].max():.2f})"];')
        lines += [f'x{t} -> h{t} [label="U"];', f'h{t} -> y{t} [label="V"];']
        if t:
            lines.append(f'h{t - 1} -> h{t} [label="W", color="darkorange"];')
        if targets[t] != simple_rnn.NO_TARGET:
            p = fwd.y_hat[0, t, targets[t]]
            lines.append(f'J{t} [label="J({t + 1}) = {-np.log(p):.2f}\\n(next: \'{alphabet[targets[t]]}\')", '
                         'shape=ellipse];')
            lines.append(f"y{t} -> J{t};")
    lines.append("{ rank=same; " + " ".join(f"h{t};" for t in range(len(word))) + " }")
    return "\n".join(lines) + "}"


try:
    alphabet, targets, fwd, result, gap = unrolled(word, hidden, radius, k)
except InputError as error:
    st.error(str(error))
else:
    word = word.strip().lower()
    st.graphviz_chart(unrolled_diagram(word, alphabet, targets, fwd), width="stretch")
    cols = st.columns(3)
    cols[0].metric("Loss J = Σ J(t)", f"{result.loss:.3f}")
    cols[1].metric("‖∂J/∂W‖", f"{np.linalg.norm(result.grads.W):.4f}")
    cols[2].metric("Gradient check: largest gap", f"{gap:.1e}",
                   help="Full BPTT against central finite differences on 10 random weights of each of U, W, b, V, "
                        "c: the gradients are right when this is tiny.")
    steps = pd.DataFrame({
        "step t": np.arange(1, len(word) + 1),
        "input": list(word),
        "target (next letter)": [alphabet[i] if i != simple_rnn.NO_TARGET else "—" for i in targets],
        "J(t)": [-np.log(fwd.y_hat[0, t, i]) if i != simple_rnn.NO_TARGET else 0.0 for t, i in enumerate(targets)],
        "‖(∂J/∂W)^(t)‖": np.linalg.norm(result.steps.W, axis=(1, 2)),
        "‖(∂J/∂U)^(t)‖": np.linalg.norm(result.steps.U, axis=(1, 2)),
        "‖∂J/∂h(t)‖": np.linalg.norm(result.dh[0], axis=1),
    })
    st.write("**Backpropagation through time.** Each step contributes its own share (∂J/∂θ)^(t), computed from the "
             "errors of that step and of the later steps that its h(t) fed; the shares are summed, "
             "∂J/∂θ = Σ_t (∂J/∂θ)^(t), and θ is updated once." +
             (f" With truncation k = {k}, each step's error stops after {k} step(s) back." if k else ""))
    st.dataframe(steps.round(4), hide_index=True, width="stretch")
    heat = px.imshow(fwd.h[0].T, x=[f"{t + 1}: {c}" for t, c in enumerate(word)], color_continuous_scale="RdBu",
                     zmin=-1, zmax=1, aspect="auto", labels={"x": "step", "y": "hidden unit", "color": "h"},
                     title="Hidden state h(t), unit by unit")
    st.plotly_chart(heat, width="stretch")

# ----------------------------------------------------------------------------- lesson 2
st.header("2. The error flowing back through time")
st.write(
    f"The loss is put at the last step T = {length} only; ∂J/∂h(t) is the error signal that reaches step t. "
    "Going one step back multiplies it by Wᵀ·diag(1 − h(t)²), so over many steps it shrinks or grows roughly like "
    "ρ(W)^(T−t): **below 1 it vanishes, above 1 it can explode**. tanh′ ≤ 1 pulls it down, and a state "
    "pushed into saturation (|h| near 1) has tanh′ near 0, so explosion needs ρ well above 1, the more so with "
    "few units."
)


@st.cache_data(show_spinner=False, max_entries=64)
def gradient_flow(length: int, hidden: int, radius: float) -> pd.DataFrame:
    return simple_rnn.error_through_time(length, hidden, radius)


flow = gradient_flow(length, hidden, radius)
ratio = flow["‖∂J/∂h(t)‖"].iloc[0] / flow["‖∂J/∂h(t)‖"].iloc[-1]
verdict = "vanishing" if ratio < 0.1 else "exploding" if ratio > 10 else "roughly preserved"
cols = st.columns(2)
cols[0].metric("‖∂J/∂h(1)‖ / ‖∂J/∂h(T)‖", f"{ratio:.3g}")
cols[1].metric("The error signal is", verdict)
figure = px.line(flow, x="step t", y=["‖∂J/∂h(t)‖", "ρ^(T−t) · ‖∂J/∂h(T)‖"], log_y=True, markers=True,
                 labels={"value": "norm (log scale)", "variable": ""},
                 title=f"Error reaching each step, ρ(W) = {radius:.2f}, mean of 16 random sequences",
                 color_discrete_sequence=COLORS)
measured = flow["‖∂J/∂h(t)‖"]
figure.update_yaxes(range=[np.log10(measured[measured > 0].min()) - 1, np.log10(measured.max()) + 1])
if k:
    figure.add_vrect(x0=0.5, x1=length - k + 0.5, fillcolor="grey", opacity=0.15, line_width=0,
                     annotation_text=f"truncated BPTT(k={k}) never reaches these steps")
st.plotly_chart(figure, width="stretch")

# ----------------------------------------------------------------------------- lesson 3
st.header("3. Gradient clipping tames an exploding run")
st.write(
    "The same RNN, started with W at the chosen spectral radius, learns the task of lesson 4 (say which symbol came "
    f"first, after T = {length} steps) by gradient descent with learning rate 1, 100 updates, full BPTT. "
    f"With clipping, any gradient longer than {clip} is rescaled to length {clip} before the update: same "
    "direction, bounded step."
)


@st.cache_data(show_spinner=False, max_entries=64)
def clipping_runs(length: int, hidden: int, radius: float, clip: float) -> pd.DataFrame:
    return clipping_comparison(length, hidden, radius, clip)


runs = clipping_runs(length, hidden, radius, clip)
wild, tame = (runs[runs.run == name] for name in runs.run.unique())
cols = st.columns(3)
cols[0].metric("Worst loss without clipping", f"{wild.loss.max():.3g}")
cols[1].metric("Worst loss with clipping", f"{tame.loss.max():.3g}")
cols[2].metric("Updates clipped", f"{int(tame.clipped.sum())} of {len(tame)}")
if len(wild) < 100:
    st.warning(f"Without clipping the run blew up (the loss stopped being a number) at update {len(wild)}.")
loss_chart = px.line(runs, x="update", y="loss", color="run", title="Loss per sequence", labels={"run": ""},
                     color_discrete_sequence=COLORS)
norms = px.line(runs, x="update", y="grad_norm", color="run", log_y=True, labels={"run": "", "grad_norm": "‖∂J/∂θ‖"},
                title="Gradient norm before clipping", color_discrete_sequence=COLORS)
norms.add_hline(y=clip, line_dash="dash", line_color="grey", annotation_text="clip threshold",
                annotation_position="bottom right")
left, right = st.columns(2)
for column, chart in ((left, loss_chart), (right, norms)):
    chart.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2})
    column.plotly_chart(chart, width="stretch")
wild_end, tame_end = wild.loss.iloc[-1], tame.loss.iloc[-1]
if not np.isfinite(wild_end) or tame_end <= wild_end:
    st.caption("Without clipping, the first huge gradients throw the weights far off: the loss jumps and the "
               "saturated network (tanh near ±1) then gets small gradients and stays stuck. With clipping, the same "
               "directions are followed in bounded steps.")
else:
    st.caption(f"Here clipping did not end lower ({tame_end:.2f} against {wild_end:.2f} without). Clipping bounds "
               f"every step to length {clip}, so with gradients this large 100 updates move the weights little, while "
               "the unclipped run's first giant step happened to land the saturated network somewhere better. "
               "Clipping promises bounded steps, not a better result; with a shorter T the unclipped run stalls.")

# ----------------------------------------------------------------------------- lesson 4
st.header("4. A long dependency: simple RNN against LSTM")
st.write(
    "The task: read T symbols and say which came first (4 possible answers, so chance is 25%). Both networks have "
    f"{hidden} hidden units and are trained the same way (Adam, learning rate 0.02, minibatches of 64, at most 200 "
    "updates, stopping early once solved), both in NumPy. The LSTM starts with its forget gate almost open and its "
    "input gate mostly shut, so its cell begins by keeping what it holds."
)
lengths = sorted({t for t in (5, 10, 20, 40, 80) if t <= length} | {length})


@st.cache_data(show_spinner=False, max_entries=64)
def race_at(lengths: tuple[int, ...], hidden: int) -> pd.DataFrame:
    return race(lengths, hidden)


with st.spinner(f"Training both networks at T = {', '.join(map(str, lengths))}, side by side ..."):
    results = race_at(tuple(lengths), hidden)
at_length = results[results["T"] == length].set_index("network")
cols = st.columns(2)
for col, kind in zip(cols, ("simple RNN", "LSTM")):
    col.metric(f"{kind} accuracy at T = {length}", f"{at_length.loc[kind, 'accuracy']:.0%}",
               help=f"{int(at_length.loc[kind, 'updates'])} updates, {at_length.loc[kind, 'seconds']:.1f} s")
accuracy = px.line(results, x="T", y="accuracy", color="network", markers=True, range_y=[0, 1.05],
                   title="Test accuracy against the length of the gap", labels={"network": ""},
                   color_discrete_sequence=COLORS)
accuracy.add_hline(y=0.25, line_dash="dot", line_color="grey", annotation_text="chance")
st.plotly_chart(accuracy, width="stretch")
st.caption("Each point is one training run from one random start. The simple RNN's runs are a gamble that gets "
           "worse with T (with many units it sometimes catches a long gap, and misses a shorter one); the LSTM's "
           "cell carries the first symbol along.")
with st.expander("Runs"):
    st.dataframe(results.round(3), hide_index=True, width="stretch")

# ----------------------------------------------------------------------------- lesson 5
st.header("5. An LSTM's gates over a real review")
st.write(
    "An LSTM adds a cell state c(t) and three gates computed like a(t): the **input gate** i decides how much new "
    "content enters the cell, the **forget gate** f how much of c(t-1) is kept, the **output gate** o how much of "
    "the cell is shown as h(t): c(t) = f ⊙ c(t-1) + i ⊙ c̃(t), h(t) = o ⊙ tanh(c(t)). Here they are read, word by word, "
    "from the classic IMDB sentiment model (Embedding → LSTM → Dense), recomputed in NumPy from the LSTM layer's "
    "weights."
)
MAX_SHOWN = 80


def sentiment_model():
    """The classic sentiment model: loaded when trained, trained on request otherwise; None until then."""
    classic = SENTIMENT_MODELS["classic"]
    if not classic.is_trained() and not st.session_state.get("train_classic"):
        st.info("The classic sentiment model is not trained yet. Train it here (a few seconds in quick mode, several "
                f"minutes on the full data) or beforehand with `python -m models train {classic.name}`.")
        st.button("Train the classic sentiment model now", key="train_classic")
        return None
    return loaded(classic, "Training the classic sentiment model")


model = sentiment_model()
if model is not None:
    review = st.text_area("A review", max_chars=5000, value=(
        "I expected a dull film, but the acting was wonderful and the story kept me gripped until the end. "
        "Not perfect, the middle drags a little, yet I would happily watch it again."))
    try:
        reading = gates_over_text(model, review)
    except InputError as error:
        st.warning(str(error))
    else:
        probability = float(model.predict_proba([review])[0])
        label = "Positive" if probability >= 0.5 else "Negative"
        st.metric("Classic model: probability positive", f"{label}, {probability:.1%}")
        if reading.padding_read:
            st.caption(f"This model pads short reviews in front and does not mask the padding: the LSTM read "
                       f"{reading.padding_read} padding steps before the first word, so it starts the review with "
                       "a state built from padding.")
        means = reading.gate_means()
        if len(means) > MAX_SHOWN:
            st.caption(f"The review has {len(means)} words read by the model; the last {MAX_SHOWN} are shown.")
            means = means.tail(MAX_SHOWN)
        labels = [f"{p + 1}. {html.escape(w)}" for p, w in zip(means.position, means.word)]
        gates = go.Figure([go.Scatter(x=labels, y=means[gate], mode="lines+markers", name=f"{gate} gate",
                                      line_color=color) for gate, color in zip(("input", "forget", "output"), COLORS)])
        gates.update_layout(title=f"Gates averaged over the LSTM's {reading.trace.h.shape[-1]} units, word by word",
                            yaxis_range=[0, 1],
                            yaxis_title="gate value (0 closed, 1 open)")
        st.plotly_chart(gates, width="stretch")
        units, cells = reading.busiest_cells(12)
        shown = st.radio("Unit by unit", ["cell state", "input gate", "forget gate", "output gate"], horizontal=True)
        if shown == "cell state":
            values, scale, limits = cells, "RdBu", (-np.abs(cells).max(), np.abs(cells).max())
        else:
            values, scale, limits = getattr(reading.trace, shown.split()[0])[0][:, units].T, "Viridis", (0, 1)
        heat = px.imshow(values[:, -len(means):], x=labels, y=[f"unit {u}" for u in units], aspect="auto",
                         color_continuous_scale=scale, zmin=limits[0], zmax=limits[1], labels={"color": shown},
                         title=f"{shown.capitalize()} of the 12 units whose cell state moves most over this review")
        st.plotly_chart(heat, width="stretch")
    attribution("imdb")
