"""ie.tag.bert: the plain-torch forward pass gives transformers' logits, and anything else falls back."""
import json

import pytest
import torch

from ie.tag import bert


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    tags = ["O", "B-COUNT", "I-COUNT", "B-DATE", "I-DATE"]
    config = BertConfig(vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=40, type_vocab_size=3,
                        num_labels=len(tags), id2label=dict(enumerate(tags)),
                        label2id={t: i for i, t in enumerate(tags)})
    model = BertForTokenClassification(config).eval()
    with torch.no_grad():     # random LayerNorm parameters too, so a swapped weight would show
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    path = tmp_path_factory.mktemp("bert")
    model.save_pretrained(path)
    return path, model


def test_tag_bert_logits_equal_transformers(saved):
    path, reference = saved
    plain = bert.load(path)
    assert plain is not None and plain.config.id2label[1] == "B-COUNT" and plain.config.type_vocab_size == 3
    ids = torch.randint(1, 50, (3, 17))
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0                                  # a padded window
    types = torch.randint(0, 3, (3, 17))
    with torch.inference_mode():
        for kw in ({}, {"token_type_ids": types}):
            want = reference(input_ids=ids, attention_mask=mask, **kw).logits
            got = plain(input_ids=ids, attention_mask=mask, **kw).logits
            keep = mask.bool()
            assert torch.allclose(got[keep], want[keep], atol=1e-5), (got[keep] - want[keep]).abs().max()


def test_tag_bert_declines_what_it_does_not_implement(saved, tmp_path):
    path, _ = saved
    config = json.loads((path / "config.json").read_text())
    for change in ({"position_embedding_type": "relative_key"}, {"hidden_act": "silu"},
                   {"architectures": ["BertForMaskedLM"]}, {"model_type": "roberta"}):
        assert bert.supported({**config, **change}) is not None, change
    for name in ("config.json",):
        (tmp_path / name).write_text(json.dumps({**config, "position_embedding_type": "relative_key"}))
    assert bert.load(tmp_path) is None               # Tagger then loads it through transformers


def test_tag_bert_span_role_logits_equal_transformers(tmp_path):
    """The role model (ie.tag.roles.BertForSpanRole) runs in plain torch with the same logits."""
    from transformers import BertConfig

    from ie.tag.roles import role_model_class

    torch.manual_seed(1)
    labels = ["NONE", "proactive_total", "reviews"]
    config = BertConfig(vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=40, type_vocab_size=2,
                        num_labels=len(labels), id2label=dict(enumerate(labels)),
                        label2id={t: i for i, t in enumerate(labels)})
    reference = role_model_class()(config).eval()
    with torch.no_grad():
        for p in reference.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    reference.save_pretrained(tmp_path)
    plain = bert.load(tmp_path, "BertForSpanRole")
    assert isinstance(plain, bert.BertSpanRole)
    assert bert.load(tmp_path) is None               # not a token classifier: the tagger path declines it
    ids = torch.randint(1, 50, (3, 15))
    mask = torch.ones_like(ids)
    mask[2, 10:] = 0
    span = torch.zeros_like(ids)
    span[:, 4:7] = 1
    with torch.inference_mode():
        kw = {"input_ids": ids, "attention_mask": mask, "token_type_ids": span, "span_mask": span}
        want, got = reference(**kw)["logits"], plain(**kw)["logits"]
    assert torch.allclose(got, want, atol=1e-5), (got - want).abs().max()
