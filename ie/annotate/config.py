"""The Label Studio labeling config, generated from ie.labels so the label set has one source."""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ie.convert import ROLE_LABELS, TEXT_FROM_NAME, TEXT_TO_NAME
from ie.labels import LABEL_DESCRIPTIONS, LABELS, ROLE_DESCRIPTIONS, ROLE_FROM_NAME, ROLES

# distinct, readable behind black text
LABEL_COLORS = {
    "COUNT": "#8ecae6",
    "MONEY": "#ffb703",
    "PERCENT": "#90be6d",
    "DATE": "#f4a261",
    "DOC_NO": "#cdb4db",
    "DOC_TITLE": "#ff8fab",
}
FALLBACK_COLOR = "#d3d3d3"


def label_config(labels: tuple[str, ...] = LABELS) -> str:
    """<View> with pre-wrap text (spaces and tabs stay visible) and per-character selection (no word snapping)."""
    lines = ["<View>",
             "  <Style>.htx-text{white-space:pre-wrap;}</Style>",
             f"  <Labels name={quoteattr(TEXT_FROM_NAME)} toName={quoteattr(TEXT_TO_NAME)}>"]
    for i, lab in enumerate(labels):
        attrs = [f"value={quoteattr(lab)}", f"background={quoteattr(LABEL_COLORS.get(lab, FALLBACK_COLOR))}"]
        if i < 9:
            attrs.append(f'hotkey="{i + 1}"')
        if lab in LABEL_DESCRIPTIONS:
            attrs.append(f"hint={quoteattr(LABEL_DESCRIPTIONS[lab])}")
        lines.append(f"    <Label {' '.join(attrs)}/>")
    lines += ["  </Labels>",
              f'  <Text name={quoteattr(TEXT_TO_NAME)} value="$text" granularity="symbol"/>',
              *role_choices(),
              "</View>"]
    return "\n".join(lines) + "\n"


def role_choices(roles: tuple[str, ...] = ROLES) -> list[str]:
    """The field role of a selected COUNT/MONEY region (GUIDELINES.md, Field roles): one choice per region,
    shown only while such a region is selected; no choice means the span states no prose field."""
    lines = [f"  <Choices name={quoteattr(ROLE_FROM_NAME)} toName={quoteattr(TEXT_TO_NAME)} perRegion=\"true\" "
             'choice="single" showInline="true" visibleWhen="region-selected" '
             f'whenTagName={quoteattr(TEXT_FROM_NAME)} whenLabelValue={quoteattr(",".join(ROLE_LABELS))}>']
    for role in roles:
        hint = f" hint={quoteattr(ROLE_DESCRIPTIONS[role])}" if role in ROLE_DESCRIPTIONS else ""
        lines.append(f"    <Choice value={quoteattr(role)}{hint}/>")
    lines.append("  </Choices>")
    return lines
