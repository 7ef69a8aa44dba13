"""The rec training path (RecDataset labels, tasks.loss CTC, greedy decode) is wired so that a
recognizer can memorise a few fixed lines: with a per-column linear neck in place of the BiLSTM
(which leaves the CTC blank plateau only after a few hundred steps on CPU) the backbone, the
labels, the loss and the decoder must reach exact decodes quickly (< 30 s on CPU). A class-index
convention that differs between encode_text and the decoder, a (B, T) / (T, B) mix-up in the CTC
inputs or labels that never reach the loss fail it."""

import numpy as np
import torch
from torch import nn

from ppocr_bench.data.labels import read_rec_labels
from ppocr_bench.models import create_model
from ppocr_bench.postprocess.ctc import ctc_greedy_decode
from ppocr_bench.data.labels import label_file
from ppocr_bench.train.datasets import RecDataset
from ppocr_bench.train.tasks import loss as task_loss


class _ColumnLinear(nn.Module):
    def __init__(self, in_channels: int, out_channels: int = 128) -> None:
        super().__init__()
        self.fc = nn.Linear(in_channels, out_channels)
        self.out_channels = out_channels

    def forward(self, x):
        return torch.relu(self.fc(x.squeeze(2).transpose(1, 2)))


def test_rec_pipeline_overfits_four_lines(synth_en):
    torch.manual_seed(0)
    labels = label_file(synth_en, "rec")
    charset = sorted(set("".join(read_rec_labels(labels).values())) - {" "})
    model = create_model("rec_mv3_crnn", charset=charset, scale=0.35)
    model.neck = _ColumnLinear(model.backbone.out_channels)
    model.head = type(model.head)(128, len(model.vocabulary))
    ds = RecDataset(labels, model.input_size, model.vocabulary, None, 0, max_len=12)
    picks = [i for i, t in enumerate(ds.texts) if 3 <= len(t) <= 10][:4]
    items = [ds[(0, i)] for i in picks]
    batch = {k: torch.as_tensor(np.stack([it[k] for it in items]))
             for k in ("image", "label", "length")}
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    first, want = None, [ds.texts[i] for i in picks]
    for step in range(1, 301):  # 120 steps usually do; the lines drawn decide how many
        model.train()
        value = task_loss(model, "rec", batch, torch.device("cpu"))["loss"]
        first = float(value.detach()) if first is None else first
        opt.zero_grad()
        value.backward()
        opt.step()
        if step >= 120 and step % 20 == 0:
            model.eval()
            with torch.no_grad():
                probs = model(batch["image"]).numpy()
            decoded = [t for t, _ in ctc_greedy_decode(probs, model.charset, use_space_char=True)]
            if decoded == want:
                break
    assert float(value.detach()) < 0.05 * first, (first, float(value.detach()))
    assert decoded == want, step
