#!/usr/bin/env python3
"""Writes stylegan2-ada-pytorch-style network snapshots of full-size configs, for bench/interop/run.sh.

OUTDIR/network-snapshot.pkl     official FFHQ-1024 config ('stylegan2' cfg of train.py: z/w 512, 8 mapping
                                layers, channel_base 32768, channel_max 512, num_fp16_res 4, conv_clamp 256,
                                G skip, D resnet, mbstd 4), random weights, G + D + G_ema (~360 MB)
OUTDIR/network-snapshot-256.pkl paper256 config (channel_base 16384, 256 px, mbstd 8)
OUTDIR/NAME.bytes               tensor bytes of G, D and G_ema (fp32, buffers included)
The networks are tests/fixtures/sg2ref.py and are pickled exactly as the fixture script does (its
persistent()/EasyDict are imported, not copied), so the files look like real snapshots to the importer.
Run: /usr/bin/python3 bench/interop/make-pickle.py OUTDIR   (OUTDIR outside git; existing files are kept)
"""
import os
import pickle
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'fixtures'))
import make_stylegan2_pickles as fx  # noqa: E402  (persistence-style reducers, EasyDict, sg2ref)

E = fx.EasyDict
CONFIGS = {'network-snapshot.pkl': dict(res=1024, base=32768, mbstd=4),
           'network-snapshot-256.pkl': dict(res=256, base=16384, mbstd=8)}


def kwargs(res, base, mbstd):
    """init_kwargs as stylegan2-ada's train.py builds them for these cfgs (unconditional)."""
    common = dict(channel_base=base, channel_max=512, num_fp16_res=4, conv_clamp=256)
    g = E(z_dim=512, w_dim=512, mapping_kwargs=E(num_layers=8), synthesis_kwargs=E(**common),
          c_dim=0, img_resolution=res, img_channels=3)
    d = E(block_kwargs=E(), mapping_kwargs=E(), epilogue_kwargs=E(mbstd_group_size=mbstd), **common,
          c_dim=0, img_resolution=res, img_channels=3)
    return g, d


def make(path, res, base, mbstd):
    torch.manual_seed(res)
    gk, dk = kwargs(res, base, mbstd)
    G, D, G_ema = fx.sg2ref.Generator(**gk), fx.sg2ref.Discriminator(**dk), fx.sg2ref.Generator(**gk)
    G_ema.load_state_dict(G.state_dict())
    for m in (G, D, G_ema):
        m.eval().requires_grad_(False)
    snapshot = dict(training_set_kwargs=dict(class_name='training.dataset.ImageFolderDataset', path='ffhq.zip',
                                             use_labels=False, max_size=70000, xflip=True, resolution=res),
                    G=fx.persistent(G, gk), D=fx.persistent(D, dk), G_ema=fx.persistent(G_ema, gk), augment_pipe=None)
    # tensor bytes per network (run.sh divides peak RSS by them); written before the pickle appears
    nbytes = {k: sum(t.numel() * t.element_size() for t in m.state_dict().values())
              for k, m in (('G', G), ('D', D), ('G_ema', G_ema))}
    with open(path + '.bytes', 'w') as f:
        f.write(' '.join(f'{k}={v}' for k, v in nbytes.items()) + '\n')
    tmp = path + '.tmp'  # never leave a half-written pickle that run.sh would take as made
    with open(tmp, 'wb') as f:
        pickle.dump(snapshot, f)
    os.replace(tmp, path)
    print(f'{path}: {os.path.getsize(path)} bytes, tensors {nbytes}')


if __name__ == '__main__':
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, cfg in CONFIGS.items():
        path = os.path.join(out, name)
        if not os.path.exists(path):
            t = time.time()
            make(path, **cfg)
            print(f'  made in {time.time() - t:.1f} s')
