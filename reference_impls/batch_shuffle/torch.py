"""Shuffled mini-batches over epochs with TensorDataset and a seeded DataLoader."""

import torch
from torch.utils.data import DataLoader, TensorDataset

SEED = 0


def setup(inputs, device):
    dataset = TensorDataset(torch.from_numpy(inputs["features"]), torch.from_numpy(inputs["labels"]))
    loader = DataLoader(dataset, batch_size=int(inputs["batch_size"]), shuffle=True,
                        generator=torch.Generator().manual_seed(SEED))
    return {"loader": loader, "epochs": int(inputs["epochs"]), "classes": int(inputs["classes"]), "device": device}


def run(state):
    loader, device, classes = state["loader"], state["device"], state["classes"]
    batch_sizes, feature_sums, label_counts = [], [], []
    for epoch in range(state["epochs"]):
        feature_sum, label_count = 0, 0
        for features, labels in loader:
            features, labels = features.to(device), labels.to(device)
            batch_sizes.append(len(labels))
            feature_sum += features.sum(dim=0)
            label_count += torch.bincount(labels, minlength=classes)
        feature_sums.append(feature_sum)
        label_counts.append(label_count)
    return batch_sizes, torch.stack(feature_sums), torch.stack(label_counts)


def result(state, output):
    batch_sizes, feature_sums, label_counts = output
    return {
        "num_batches": len(batch_sizes),
        "batch_sizes": sorted(batch_sizes),
        "epoch_feature_sums": feature_sums,
        "epoch_label_counts": label_counts,
    }
