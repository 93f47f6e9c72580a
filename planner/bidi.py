"""Names inside sentences, isolated so a Latin name cannot turn a Persian sentence around.

A stop title, a venue or a person's name placed in a translated sentence takes the
direction of its own first letter and leaves the sentence in the reader's direction:
<bdi> in HTML, FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE in plain text (e-mail
text parts and subjects, calendar text, page titles).
"""

from markupsafe import Markup

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


def isolate_text(value) -> str:
    """A name for plain text: its own direction, without moving the words around it."""
    return f"{FSI}{value}{PDI}"


def isolate_html(value) -> Markup:
    """A name for HTML, escaped inside <bdi> (a name like `<b>x</b>` stays text)."""
    return Markup("<bdi>%s</bdi>") % value
