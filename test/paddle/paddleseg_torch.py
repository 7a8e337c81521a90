"""PaddleSeg's OCRNet + HRNet and UNet re-implemented in PyTorch, for seglab's tests.

Written for the tests from PaddleSeg 2.x's architecture (paddleseg/models/ocrnet.py,
backbones/hrnet.py, unet.py, layers/layer_libs.py): the module attribute names are PaddleSeg's,
so the state_dict keys are PaddleSeg's once PyTorch's batch-norm names are renamed
(running_mean -> _mean, running_var -> _variance). Paddle's padding='same' is TensorFlow's
(asymmetric for even sizes with stride 2); bilinear interpolation with align_corners=False is
the half-pixel one in both frameworks.

Usage: python3 paddleseg_torch.py SPEC.json
SPEC: {"model": "OCRNet" | "UNet", "backbone": preset, "num_classes": K, "height": H, "width": W,
       "seed": S, "protocol": 2|4, "pdparams": out path, "io": out path, "use_deconv": bool}
Writes the random weights as a .pdparams (Paddle's format, with its name table) and a pickle
of {"input": NCHW float32, "outputs": [eval-mode outputs, NCHW]}.
"""
import json
import math
import pickle
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SameConv(nn.Conv2d):
    """Paddle's Conv2D with padding='same' (TensorFlow's rule) or an explicit padding."""

    def __init__(self, cin, cout, k, stride=1, padding="same", bias=True):
        super().__init__(cin, cout, k, stride=stride, padding=0, bias=bias)
        self.same = padding == "same"
        self.pad = 0 if self.same else padding

    def forward(self, x):
        if self.same:
            k, s = self.kernel_size[0], self.stride[0]
            pads = []
            for size in (x.shape[3], x.shape[2]):
                out = math.ceil(size / s)
                total = max((out - 1) * s + k - size, 0)
                pads += [total // 2, total - total // 2]
            x = F.pad(x, pads)
            return F.conv2d(x, self.weight, self.bias, self.stride)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.pad)


class ConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding="same", bias=True, relu=False):
        super().__init__()
        self._conv = SameConv(cin, cout, k, stride, padding, bias)
        self._batch_norm = nn.BatchNorm2d(cout, eps=1e-5)
        self.relu = relu

    def forward(self, x):
        x = self._batch_norm(self._conv(x))
        return F.relu(x) if self.relu else x


def cbr(cin, cout, k, stride=1, padding="same", bias=True):
    return ConvBN(cin, cout, k, stride, padding, bias, relu=True)


def up(x, like):
    return F.interpolate(x, size=like.shape[2:], mode="bilinear", align_corners=False)


class Bottleneck(nn.Module):
    def __init__(self, cin, f, downsample):
        super().__init__()
        self.conv1 = cbr(cin, f, 1, bias=False)
        self.conv2 = cbr(f, f, 3, bias=False)
        self.conv3 = ConvBN(f, f * 4, 1, bias=False)
        self.downsample = downsample
        if downsample:
            self.conv_down = ConvBN(cin, f * 4, 1, bias=False)

    def forward(self, x):
        y = self.conv3(self.conv2(self.conv1(x)))
        return F.relu(y + (self.conv_down(x) if self.downsample else x))


class Basic(nn.Module):
    def __init__(self, cin, f):
        super().__init__()
        self.conv1 = cbr(cin, f, 3, bias=False)
        self.conv2 = ConvBN(f, f, 3, bias=False)

    def forward(self, x):
        return F.relu(self.conv2(self.conv1(x)) + x)


class Layer1(nn.Module):
    def __init__(self, cin, f, blocks):
        super().__init__()
        self.blocks = []
        for i in range(blocks):
            b = Bottleneck(cin if i == 0 else f * 4, f, i == 0)
            self.add_module("bb_layer2_%d" % (i + 1), b)
            self.blocks.append(b)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x


class Transition(nn.Module):
    def __init__(self, cin, cout, name):
        super().__init__()
        self.funcs = []
        for i, c in enumerate(cout):
            f = None
            if i < len(cin):
                if cin[i] != c:
                    f = cbr(cin[i], c, 3, bias=False)
            else:
                f = cbr(cin[-1], c, 3, stride=2, bias=False)
            if f is not None:
                self.add_module("transition_%s_layer_%d" % (name, i + 1), f)
            self.funcs.append(f)

    def forward(self, xs):
        out = []
        for i, f in enumerate(self.funcs):
            if f is None:
                out.append(xs[i])
            else:
                out.append(f(xs[i] if i < len(xs) else xs[-1]))
        return out


class Branches(nn.Module):
    def __init__(self, blocks, ch, name):
        super().__init__()
        self.lists = []
        for i, c in enumerate(ch):
            row = []
            for j in range(blocks[i]):
                b = Basic(c, c)
                self.add_module("bb_%s_branch_layer_%d_%d" % (name, i + 1, j + 1), b)
                row.append(b)
            self.lists.append(row)

    def forward(self, xs):
        out = []
        for x, row in zip(xs, self.lists):
            for b in row:
                x = b(x)
            out.append(x)
        return out


class Fuse(nn.Module):
    def __init__(self, ch, name):
        super().__init__()
        self.ch = ch
        self.funcs = []
        for i in range(len(ch)):
            for j in range(len(ch)):
                if j > i:
                    f = ConvBN(ch[j], ch[i], 1, bias=False)
                    self.add_module("residual_%s_layer_%d_%d" % (name, i + 1, j + 1), f)
                    self.funcs.append(f)
                elif j < i:
                    pre = ch[j]
                    for k in range(i - j):
                        last = k == i - j - 1
                        out = ch[i] if last else ch[j]
                        f = ConvBN(pre, out, 3, stride=2, bias=False, relu=not last)
                        self.add_module("residual_%s_layer_%d_%d_%d" % (name, i + 1, j + 1, k + 1), f)
                        self.funcs.append(f)
                        pre = out

    def forward(self, xs):
        outs, idx = [], 0
        for i in range(len(self.ch)):
            r = xs[i]
            for j in range(len(self.ch)):
                if j > i:
                    r = r + up(self.funcs[idx](xs[j]), xs[i])
                    idx += 1
                elif j < i:
                    y = xs[j]
                    for _ in range(i - j):
                        y = self.funcs[idx](y)
                        idx += 1
                    r = r + y
            outs.append(F.relu(r))
        return outs


class HRModule(nn.Module):
    def __init__(self, blocks, ch, name):
        super().__init__()
        self.branches_func = Branches(blocks, ch, name)
        self.fuse_func = Fuse(ch, name)

    def forward(self, xs):
        return self.fuse_func(self.branches_func(xs))


class Stage(nn.Module):
    def __init__(self, modules, blocks, ch, name):
        super().__init__()
        self.mods = []
        for i in range(modules):
            m = HRModule(blocks, ch, "%s_%d" % (name, i + 1))
            self.add_module("stage_%s_%d" % (name, i + 1), m)
            self.mods.append(m)

    def forward(self, xs):
        for m in self.mods:
            xs = m(xs)
        return xs


PRESETS = {
    "HRNet_W18_Small_V1": dict(s1=([1], [32]), s2=(1, [2, 2], [16, 32]), s3=(1, [2, 2, 2], [16, 32, 64]),
                               s4=(1, [2, 2, 2, 2], [16, 32, 64, 128])),
    "HRNet_W18": dict(s1=([4], [64]), s2=(1, [4, 4], [18, 36]), s3=(4, [4, 4, 4], [18, 36, 72]),
                      s4=(3, [4, 4, 4, 4], [18, 36, 72, 144])),
}


class HRNet(nn.Module):
    def __init__(self, preset):
        super().__init__()
        p = PRESETS[preset]
        (b1, c1), s2, s3, s4 = p["s1"], p["s2"], p["s3"], p["s4"]
        self.conv_layer1_1 = cbr(3, 64, 3, stride=2, bias=False)
        self.conv_layer1_2 = cbr(64, 64, 3, stride=2, bias=False)
        self.la1 = Layer1(64, c1[0], b1[0])
        self.tr1 = Transition([c1[0] * 4], s2[2], "tr1")
        self.st2 = Stage(s2[0], s2[1], s2[2], "st2")
        self.tr2 = Transition(s2[2], s3[2], "tr2")
        self.st3 = Stage(s3[0], s3[1], s3[2], "st3")
        self.tr3 = Transition(s3[2], s4[2], "tr3")
        self.st4 = Stage(s4[0], s4[1], s4[2], "st4")
        self.feat_channels = sum(s4[2])

    def forward(self, x):
        x = self.la1(self.conv_layer1_2(self.conv_layer1_1(x)))
        xs = self.st4(self.tr3(self.st3(self.tr2(self.st2(self.tr1([x]))))))
        return torch.cat([xs[0]] + [up(t, xs[0]) for t in xs[1:]], dim=1)


class ObjectAttentionBlock(nn.Module):
    def __init__(self, cin, key):
        super().__init__()
        self.key = key
        self.f_pixel = nn.Sequential(cbr(cin, key, 1), cbr(key, key, 1))
        self.f_object = nn.Sequential(cbr(cin, key, 1), cbr(key, key, 1))
        self.f_down = cbr(cin, key, 1)
        self.f_up = cbr(key, cin, 1)

    def forward(self, x, proxy):
        n, _, h, w = x.shape
        q = self.f_pixel(x).reshape(n, self.key, -1).permute(0, 2, 1)
        k = self.f_object(proxy).reshape(n, self.key, -1)
        v = self.f_down(proxy).reshape(n, self.key, -1).permute(0, 2, 1)
        sim = F.softmax(torch.bmm(q, k) * self.key ** -0.5, dim=-1)
        ctx = torch.bmm(sim, v).permute(0, 2, 1).reshape(n, self.key, h, w)
        return self.f_up(ctx)


class SpatialOCR(nn.Module):
    def __init__(self, cin, key, cout):
        super().__init__()
        self.attention_block = ObjectAttentionBlock(cin, key)
        self.conv1x1 = nn.Sequential(cbr(2 * cin, cout, 1), nn.Dropout2d(0.1))

    def forward(self, pixels, regions):
        return self.conv1x1(torch.cat([self.attention_block(pixels, regions), pixels], dim=1))


class OCRHead(nn.Module):
    def __init__(self, k, cin, mid=512, key=256):
        super().__init__()
        self.k, self.mid = k, mid
        self.spatial_ocr = SpatialOCR(mid, key, mid)
        self.conv3x3_ocr = cbr(cin, mid, 3, padding=1)
        self.cls_head = nn.Conv2d(mid, k, 1)
        self.aux_head = nn.Sequential(cbr(cin, cin, 1), nn.Conv2d(cin, k, 1))

    def forward(self, feat):
        soft = self.aux_head(feat)
        pixels = self.conv3x3_ocr(feat)
        n = pixels.shape[0]
        p = pixels.reshape(n, self.mid, -1).permute(0, 2, 1)
        r = F.softmax(soft.reshape(n, self.k, -1), dim=2)
        objects = torch.bmm(r, p).permute(0, 2, 1).unsqueeze(-1)
        return [self.cls_head(self.spatial_ocr(pixels, objects)), soft]


class OCRNet(nn.Module):
    def __init__(self, k, preset):
        super().__init__()
        self.backbone = HRNet(preset)
        self.head = OCRHead(k, self.backbone.feat_channels)

    def forward(self, x):
        """Both outputs (main, soft regions), upsampled to the input size."""
        return [up(t, x) for t in self.head(self.backbone(x))]


class UpSampling(nn.Module):
    def __init__(self, cin, cout, use_deconv):
        super().__init__()
        self.use_deconv = use_deconv
        if use_deconv:
            self.deconv = nn.ConvTranspose2d(cin, cout // 2, 2, stride=2)
            cin = cin + cout // 2
        else:
            cin *= 2
        self.double_conv = nn.Sequential(cbr(cin, cout, 3), cbr(cout, cout, 3))

    def forward(self, x, skip):
        x = self.deconv(x) if self.use_deconv else up(x, skip)
        return self.double_conv(torch.cat([x, skip], dim=1))


class UNet(nn.Module):
    def __init__(self, k, use_deconv):
        super().__init__()
        self.encode = nn.Module()
        self.encode.double_conv = nn.Sequential(cbr(3, 64, 3), cbr(64, 64, 3))
        self.encode.down_sample_list = nn.ModuleList([
            nn.Sequential(nn.MaxPool2d(2, 2), cbr(a, b, 3), cbr(b, b, 3))
            for a, b in [[64, 128], [128, 256], [256, 512], [512, 512]]
        ])
        self.decode = nn.Module()
        self.decode.up_sample_list = nn.ModuleList([
            UpSampling(a, b, use_deconv) for a, b in [[512, 256], [256, 128], [128, 64], [64, 64]]
        ])
        self.cls = nn.Conv2d(64, k, 3, padding=1)

    def forward(self, x):
        x = self.encode.double_conv(x)
        skips = []
        for d in self.encode.down_sample_list:
            skips.append(x)
            x = d(x)
        for i, u in enumerate(self.decode.up_sample_list):
            x = u(x, skips[-(i + 1)])
        return [self.cls(x)]


def randomize(model, gen):
    """Random weights (variance-preserving) and non-trivial batch-norm statistics."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                fan = m.weight[0].numel() if isinstance(m, nn.Conv2d) else m.weight.shape[0] * 4
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * math.sqrt(1.0 / fan))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                # Scales below 1 keep activations O(1) through HRNet's residual sums (logits stay unsaturated).
                m.weight.copy_(torch.rand(c, generator=gen) * 0.4 + 0.3)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)


def paddle_state(model):
    """The state dict under PaddleSeg's names, as paddle.save writes it (with the name table)."""
    out, table = {}, {}
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        k = k.replace("running_mean", "_mean").replace("running_var", "_variance")
        out[k] = np.ascontiguousarray(v.detach().numpy().astype(np.float32))
        table[k] = "param_%d" % len(table)
    out["StructuredToParameterName@@"] = table
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(spec["seed"])
    if spec["model"] == "OCRNet":
        model = OCRNet(spec["num_classes"], spec["backbone"])
    else:
        model = UNet(spec["num_classes"], spec.get("use_deconv", False))
    randomize(model, gen)
    model.eval()
    x = torch.randn(1, 3, spec["height"], spec["width"], generator=gen)
    with torch.no_grad():
        outs = [t.numpy().astype(np.float32) for t in model(x)]
    with open(spec["pdparams"], "wb") as f:
        pickle.dump(paddle_state(model), f, protocol=spec.get("protocol", 4))
    with open(spec["io"], "wb") as f:
        pickle.dump({"input": x.numpy(), "outputs": outs}, f, protocol=4)
    print(json.dumps({"keys": len(model.state_dict()), "shapes": [list(o.shape) for o in outs]}))


if __name__ == "__main__":
    main()
