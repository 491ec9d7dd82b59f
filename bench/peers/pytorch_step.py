"""The PyTorch peer's work, shared by pytorch_peer.py (`npm run bench`) and
bench/torch_threads.py: netc's PyTorch backend (the generated model.py) with train.py's
initialisation, update rule and batch-norm statistics, one training step or forward pass
at a time on uint8 images."""
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, generated, train, whiten_images, mean, learning_rate):
        """generated, train: the trainer's model and train modules; whiten_images: the
        images a whitening layer's filters come from; mean: the per-channel mean (float64)."""
        self.train, self.mean, self.steps = train, mean, 0
        self.net = generated.Net()
        train.initialise(self.net, torch.Generator().manual_seed(1), lambda size: train.whitening_weights(whiten_images, mean, size))
        for p in generated.PARAMS:
            train.tensor_of(self.net, p["tensor"]).requires_grad_(p["trainable"])
        self.optimizer = train.make_optimizer(self.net)
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate

    def train_step(self, images, labels):
        self.steps += 1
        self.net.train()
        self.net.context.step = self.steps
        logits = self.net(self.train.prepare(images, self.mean).float())
        loss = F.cross_entropy(logits, labels, label_smoothing=self.train.SETTINGS["labelSmoothing"])
        self.optimizer.zero_grad(set_to_none=False)
        loss.backward()
        self.optimizer.step(self.steps)
        self.train.update_running_stats(self.net, False)

    @torch.no_grad()
    def predict(self, images):
        self.net.eval()
        return self.net(self.train.prepare(images, self.mean).float()).argmax(1)
