"""Leave-issuer-out cross-validation of the tagger and the role model against the rules, on the 47 corpus reports.

Reports are grouped so that an issuer, and every report sharing its wording, sits on one side of a split only:
the same body over the years (file stem without the year, and the issuer of SOURCES_2.tsv), joined with the
wording groups the corpus README names (pingtan_gongan_2009 / pingtan_nongye_2011 / pingtan_caizheng_2010 and
pingtan_xinfang_2011 / pingtan_haiyu_2011). Groups are dealt into k folds (largest first, each to the fold with
the fewest role spans so far). Per fold, on the other folds' reports only, the shipped recipe:
- a tagger trained by --tagger-config (configs/default.yaml, the shipped tagger's config: fine-tuned from the
  pretrained checkpoint, augmented copies of the training reports only, no held-out documents inside the fold);
- a role model trained by --roles-config (configs/roles.yaml, the shipped role model's config) on the training
  side's hand-made roles plus the weak labels of its `weak_data` (annotations/weak: pool reports) — except the
  weak labels of every pool report whose issuer (unlabeled/SOURCES.tsv, or the same file stem without the year)
  belongs to a held-out group. Its threshold is chosen on training-side reports (its own `eval_documents`, drawn
  from the fold's training reports);
then the held-out reports are scored three ways:
- rules only: ie.rules spans; prose fields and roles from the cue rules (ie.prose);
- model only: tagger spans; roles and prose fields from the role model alone (what it abstains on stays empty,
  so a zero stated in words — no number span — is never the model's);
- model + rules: what `ie extract` does (ie.map.choose_entities; ie.map.map_prose_with_roles).

What "unseen" means here: no label (hand-made or weak) of a held-out issuer is read by its fold's models. The
pretrained checkpoint (checkpoints/pretrained, masked-LM, scripts/pretrain.sh) read the raw text of all 202
corpus + pool reports, held-out ones included, without any label — as a shipped model reads unlabeled text of
reports it later tags.

Prose fields are compared with gold/fields like `ie evaluate` (accuracy over all six fields of every report, a
field absent on both sides is right; precision over the fields a mode filled). Roles are scored per span
(start, end, role) against the hand-made roles of annotations/corpus; entity types per span (start, end,
label) against its spans. One table is printed; --json saves everything.

    python scripts/crossval.py --folds 3 --device cuda --json benchmarks/results/crossval.json

Long-running (not part of the test suite): k x (tagger + role model training), about an hour of this 2-core CPU
with the shipped configs; minutes on one GPU (--device cuda; the default `auto` takes a GPU when torch sees
one). A smoke run: --tagger-steps 5 --roles-epochs 1.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.labels import LABELS, ROLES  # noqa: E402
from ie.paths import GOLD_DIR, corpus_dir  # noqa: E402

WORDING_GROUPS = [("pingtan_gongan_2009", "pingtan_nongye_2011", "pingtan_caizheng_2010"),
                  ("pingtan_xinfang_2011", "pingtan_haiyu_2011")]
# The founding reports' issuers (corpus README table); the Fujian ones come from SOURCES_2.tsv.
FOUNDING_ISSUERS = {"fengdu_2018": "重庆市丰都县人民政府", "wansheng_2020": "重庆市万盛经济技术开发区管理委员会",
                    "zhuzhou_2018": "株洲市人民政府", "taonan_2019": "洮南市", "shucheng_2012": "舒城县",
                    "hongze_2023": "淮安市洪泽区人民政府", "hongze_2024": "淮安市洪泽区人民政府",
                    "huaian_2024": "淮安市人民政府", "suqian_2023_derived": "宿迁市人民政府",
                    "suqian_2024_derived": "宿迁市人民政府", "pingtan_2012": "平潭综合实验区管委会",
                    "pingtan_2016": "平潭综合实验区管委会", "pingtan_2020": "平潭综合实验区管委会",
                    "pingtan_2022": "平潭综合实验区管委会", "shanghai_bgt_2025": "上海市人民政府办公厅"}


def read_issuers(corpus: Path) -> dict[str, str]:
    """File stem -> issuer: the founding reports, SOURCES_2.tsv (corpus) and unlabeled/SOURCES.tsv (pool)."""
    issuer = dict(FOUNDING_ISSUERS)
    for tsv in (corpus / "SOURCES_2.tsv", corpus / "unlabeled" / "SOURCES.tsv"):
        if tsv.exists():
            with tsv.open(encoding="utf-8") as f:
                for row in csv.DictReader(f, delimiter="\t"):
                    issuer[Path(row["file"]).stem] = row["issuer"]
    return issuer


def issuer_groups(stems: list[str], corpus: Path, issuer: dict[str, str] | None = None) -> list[list[str]]:
    """Union of: same issuer, same body (stem without year), same wording group."""
    issuer = read_issuers(corpus) if issuer is None else issuer
    parent = {s: s for s in stems}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        if a in parent and b in parent:
            parent[find(a)] = find(b)

    by_key: dict[str, str] = {}
    for s in stems:
        for key in (re.sub(r"_\d{4}(_derived)?$", "", s), issuer.get(s)):
            if key:
                if key in by_key:
                    union(s, by_key[key])
                else:
                    by_key[key] = s
    for g in WORDING_GROUPS:
        for a in g[1:]:
            union(g[0], a)
    groups: dict[str, list[str]] = {}
    for s in stems:
        groups.setdefault(find(s), []).append(s)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))


def weak_for_fold(weak_stems: list[str], held: list[str], corpus_stems: list[str],
                  issuer: dict[str, str]) -> tuple[list[str], list[str]]:
    """(kept, left out): a weakly labelled report is left out when it shares a group (issuer, body, wording)
    with a held-out report. Grouped over corpus + pool together, so a pool report that links two corpus groups
    is left out as soon as either side is held out."""
    held_set = set(held)
    out = set()
    for g in issuer_groups(sorted(set(corpus_stems) | set(weak_stems)), Path("."), issuer):
        if held_set & set(g):
            out |= set(g)
    kept = [s for s in weak_stems if s not in out]
    return kept, [s for s in weak_stems if s in out]


def deal(groups: list[list[str]], weight: dict[str, int], k: int) -> list[list[str]]:
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for g in sorted(groups, key=lambda g: (-sum(weight.get(s, 0) + 1 for s in g), g)):
        i = min(range(k), key=lambda j: (load[j], len(folds[j])))
        folds[i] += g
        load[i] += sum(weight.get(s, 0) + 1 for s in g)
    return [sorted(f) for f in folds]


# ------------------------------------------------------------------------------------------ scoring

class PRF:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, gold: set, pred: set):
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def json(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"precision": p, "recall": r, "f1": f, "support": self.tp + self.fn, "predicted": self.tp + self.fp}


class Prose:
    def __init__(self):
        self.right = self.total = self.filled = self.filled_right = 0

    def add(self, gold: dict, pred: dict):
        for f in ROLES:
            g, p = gold.get(f), pred.get(f)
            ok = g == p
            self.total += 1
            self.right += ok
            if p is not None:
                self.filled += 1
                self.filled_right += ok

    def json(self) -> dict:
        return {"accuracy": self.right / max(1, self.total), "right": self.right, "total": self.total,
                "precision": self.filled_right / self.filled if self.filled else None, "filled": self.filled}


MODES = ("rules", "model", "model+rules")


def score_report(text, gold_spans, gold_prose, tagger, roles, scores):
    from ie.map import choose_entities, map_prose_with_roles
    from ie.prose import _count_value, map_prose, prose_candidates
    from ie.rules import find_entities
    from ie.tag.roles import model_fields

    rule_ents = find_entities(text)
    # the whole text, tables included, so the tagger's spans meet every gold span (ie extract leaves the national
    # tables out; on the corpus that changed no prose field, document or date: docs/tagger.md)
    model_ents = tagger.tag(text)
    both = choose_entities(text, model_ents + rule_ents)
    gold_by_label = {lab: {(e.start, e.end) for e in gold_spans if e.label == lab} for lab in LABELS}
    for mode, ents in (("rules", rule_ents), ("model", model_ents), ("model+rules", both)):
        for lab in LABELS:
            scores["entities"][mode][lab].add(gold_by_label[lab], {(e.start, e.end) for e in ents if e.label == lab})
    gold_roles = {r: {(e.start, e.end) for e in gold_spans if e.role == r} for r in ROLES}

    # rules: every span a cue attributes to a field (zero statements have no span)
    cands = prose_candidates(text, rule_ents)
    rule_roles = {r: {(ev.start, ev.end) for _, _, ev in cands[r] if ev.note and ev.note.startswith("cue")}
                  for r in ROLES}
    rule_prose = map_prose(text, rule_ents)[0]
    # model only: the role model over the tagger's spans, its confident fields alone
    preds = roles.predict(text, model_ents)
    model_roles = {r: {(p.entity.start, p.entity.end) for p in preds if p.role == r and p.prob >= roles.threshold}
                   for r in ROLES}
    model_prose = {}
    for f, p in model_fields(preds, roles.threshold).items():
        n = _count_value(p.entity, f)
        if n is not None:
            model_prose[f] = n.value
    # model + rules: as ie extract
    both_preds = roles.predict(text, both)
    both_conf = {r: {(p.entity.start, p.entity.end) for p in both_preds if p.role == r and p.prob >= roles.threshold}
                 for r in ROLES}
    both_cands = prose_candidates(text, both)
    both_roles = {r: both_conf[r] or {(ev.start, ev.end) for _, _, ev in both_cands[r]
                                      if ev.note and ev.note.startswith("cue")} for r in ROLES}
    both_prose = map_prose_with_roles(text, both, roles)[0]
    for mode, rr, pp in (("rules", rule_roles, rule_prose), ("model", model_roles, model_prose),
                         ("model+rules", both_roles, both_prose)):
        for r in ROLES:
            scores["roles"][mode][r].add(gold_roles[r], rr[r])
        scores["prose"][mode].add(gold_prose, pp)
    return {"rules": rule_prose, "model": model_prose, "model+rules": both_prose, "gold": gold_prose}


def fmt(x):
    return "—" if x is None else f"{x:.3f}"


def table(res: dict) -> str:
    lines = ["| what | rules P / R / F1 | model P / R / F1 | model + rules P / R / F1 | support |",
             "|---|---|---|---|---:|"]
    for kind, names in (("roles", ROLES), ("entities", LABELS)):
        for n in names:
            cells = []
            for mode in MODES:
                s = res[kind][mode][n]
                cells.append(f"{fmt(s['precision'])} / {fmt(s['recall'])} / {fmt(s['f1'])}")
            lines.append(f"| {'role ' if kind == 'roles' else ''}{n} | " + " | ".join(cells)
                         + f" | {res[kind]['rules'][n]['support']} |")
    cells = []
    for mode in MODES:
        p = res["prose"][mode]
        cells.append(f"accuracy {p['accuracy']:.1%} ({p['right']}/{p['total']}), precision "
                     + ("—" if p["precision"] is None else f"{p['precision']:.1%}") + f" ({p['filled']} filled)")
    lines.append("| prose fields | " + " | ".join(cells) + " | |")
    return "\n".join(lines)


def use_device(choice: str) -> str:
    """Where the fold models train: `cpu` hides any GPU from torch (set before torch touches CUDA), `cuda`
    insists on one, `auto` takes one when torch sees it. Scoring (ie.tag.infer, RolePredictor) runs on the CPU."""
    import os

    if choice == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
    import torch

    if choice == "cuda" and not torch.cuda.is_available():
        raise SystemExit("crossval: --device cuda, but torch sees no CUDA GPU")
    return "cuda" if torch.cuda.is_available() else "cpu"


def fold_weak_data(weak_dirs: list[str], held: list[str], corpus_stems: list[str], issuer: dict[str, str],
                   dest: Path) -> tuple[list[str], list[str]]:
    """Copy the weak tasks the fold may read into `dest` (one file per report); (kept, left out) stems."""
    from ie.convert import load_tasks
    from ie.tag.data import doc_key

    tasks = {}
    for w in weak_dirs:
        if not Path(w).exists():
            raise SystemExit(f"crossval: weak_data {w}: no such file or folder")
        for t in load_tasks(w):
            tasks[doc_key(t)] = t
    kept, left = weak_for_fold(sorted(tasks), held, corpus_stems, issuer)
    dest.mkdir(parents=True, exist_ok=True)
    for s in kept:
        (dest / f"{s}.json").write_text(json.dumps([tasks[s]], ensure_ascii=False), encoding="utf-8")
    return kept, left


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--tagger-config", default="configs/default.yaml")
    ap.add_argument("--roles-config", default="configs/roles.yaml")
    ap.add_argument("--tagger-steps", type=int, help="override the tagger config's max_steps (a smoke run)")
    ap.add_argument("--roles-epochs", type=float, help="override the role config's epochs (a smoke run)")
    ap.add_argument("--no-weak", action="store_true", help="train the fold role models without weak labels")
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                    help="where the fold models train (default: a CUDA GPU when torch sees one)")
    ap.add_argument("--only-fold", type=int, help="run one fold (1-based) only")
    ap.add_argument("--json", help="write the pooled scores, folds and per-report prose here")
    args = ap.parse_args(argv)
    device = use_device(args.device)

    from ie.convert import task_spans
    from ie.tag.data import doc_key, load_corpus_tasks
    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor, load_role_config, train_roles
    from ie.tag.train import load_config, read_config, train

    tcfg0 = load_config(args.tagger_config)
    rraw = read_config(args.roles_config)
    weak_dirs = [] if args.no_weak else load_role_config(rraw, args.roles_config).weak_data
    tasks = {doc_key(t): t for t in load_corpus_tasks(tcfg0.data)}
    stems = sorted(tasks)
    weight = {s: sum(1 for e in task_spans(tasks[s]) if e.role) for s in stems}
    issuer = read_issuers(corpus_dir())
    groups = issuer_groups(stems, corpus_dir(), issuer)
    folds = deal(groups, weight, args.folds)
    print(f"{len(stems)} reports in {len(groups)} issuer/wording groups, {args.folds} folds, training on "
          f"{device}:", flush=True)
    for i, f in enumerate(folds):
        print(f"  fold {i + 1}: {len(f)} reports, {sum(weight[s] for s in f)} role spans: {', '.join(f)}")
    scores = {"entities": {m: {lab: PRF() for lab in LABELS} for m in MODES},
              "roles": {m: {r: PRF() for r in ROLES} for m in MODES},
              "prose": {m: Prose() for m in MODES}}
    per_fold, per_report = [], {}
    for i, held in enumerate(folds):
        if args.only_fold and i + 1 != args.only_fold:
            continue
        train_stems = [s for s in stems if s not in held]
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="ie_cv_") as tmp:
            data_dir = Path(tmp) / "train"
            data_dir.mkdir()
            for s in train_stems:       # the fold's training reports only: nothing held out can be read
                (data_dir / f"{s}.json").write_text(json.dumps([tasks[s]], ensure_ascii=False), encoding="utf-8")
            # the shipped tagger recipe; its eval_documents may be held out here, and the held-out fold is
            # scored below, so the fold tagger holds nothing out of its training side
            tcfg = load_config(args.tagger_config, data=str(data_dir), output_dir=f"{tmp}/tagger",
                               eval_documents=[], max_steps=args.tagger_steps)
            tm = train(tcfg, args.tagger_config)
            kept, left = fold_weak_data(weak_dirs, held, stems, issuer, Path(tmp) / "weak")
            rcfg = load_role_config(rraw, args.roles_config, data=str(data_dir), output_dir=f"{tmp}/roles",
                                    epochs=args.roles_epochs, weak_data=[f"{tmp}/weak"] if kept else [])
            rm = train_roles(rcfg, args.roles_config)
            tagger = Tagger.from_pretrained(f"{tmp}/tagger")
            roles = RolePredictor.from_pretrained(f"{tmp}/roles")
            for s in held:
                gold_prose = json.loads((GOLD_DIR / "fields" / f"{s}.json").read_text(encoding="utf-8"))["prose"]
                per_report[s] = score_report(tasks[s]["data"]["text"], task_spans(tasks[s]), gold_prose,
                                             tagger, roles, scores)
        per_fold.append({"held_out": held, "seconds": time.perf_counter() - t0,
                         "tagger_steps": tm["train_steps"], "tagger_train_seconds": tm["train_seconds"],
                         "roles_threshold": rm["threshold"], "roles_threshold_documents": rm["eval_documents"],
                         "roles_train_seconds": rm["train_seconds"], "weak_reports": len(kept),
                         "weak_role_spans": rm["weak_role_spans"], "weak_left_out": left})
        print(f"fold {i + 1}/{args.folds} done in {per_fold[-1]['seconds']:.0f} s (role threshold "
              f"{rm['threshold']}, chosen on {', '.join(rm['eval_documents'])}; weak labels from {len(kept)} "
              f"pool reports, {len(left)} of held-out issuers left out)", flush=True)
        res = _pooled(scores)
        print(table(res), flush=True)
        if args.json:       # after every fold: an interrupted run still leaves its numbers
            _save(args, device, per_fold, res, per_report)
    res = _pooled(scores)
    print(f"\nLeave-issuer-out cross-validation, {args.folds} folds, {len(per_report)} held-out reports "
          f"(tagger {args.tagger_config}, role model {args.roles_config}"
          + (", no weak labels" if args.no_weak else "") + f", trained on {device}):\n")
    print(table(res))
    if args.json:
        _save(args, device, per_fold, res, per_report)
    return 0


def _pooled(scores: dict) -> dict:
    return {k: {m: {n: s.json() for n, s in v.items()} if k != "prose" else v.json() for m, v in d.items()}
            for k, d in scores.items()}


def _save(args, device, per_fold, res, per_report) -> None:
    Path(args.json).write_text(json.dumps({"tagger_config": args.tagger_config, "roles_config": args.roles_config,
                                           "tagger_steps": args.tagger_steps, "roles_epochs": args.roles_epochs,
                                           "weak": not args.no_weak, "device": device,
                                           "folds": per_fold, "pooled": res, "prose_by_report": per_report},
                                          ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
