"""Padded batches with pad_sequence in a DataLoader collate_fn, then a masked mean of embeddings."""

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(sequences):
    lengths = torch.tensor([len(sequence) for sequence in sequences])
    return pad_sequence(sequences, batch_first=True, padding_value=0), lengths


def setup(inputs, device):
    sequences = torch.from_numpy(inputs["tokens"]).split(inputs["lengths"].tolist())
    loader = DataLoader(sequences, batch_size=int(inputs["batch_size"]), collate_fn=collate)
    return {"loader": loader, "table": torch.from_numpy(inputs["table"]).to(device), "device": device}


def run(state):
    device = state["device"]
    padded_lengths, means = [], []
    for tokens, lengths in state["loader"]:
        tokens, lengths = tokens.to(device), lengths.to(device)
        mask = torch.arange(tokens.shape[1], device=device) < lengths[:, None]
        embedded = F.embedding(tokens, state["table"])
        means.append((embedded * mask[..., None]).sum(dim=1) / lengths[:, None])
        padded_lengths.append(tokens.shape[1])
    return padded_lengths, torch.cat(means)


def result(state, output):
    padded_lengths, means = output
    return {"padded_lengths": padded_lengths, "masked_means": means}
