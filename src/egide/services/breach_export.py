"""A breach's fields as the CNIL's breach notification (téléservice de notification de violations)
asks for them, in JSON or CSV, to copy into the form.

The first fields are the ones the CNIL lists on its own pages ("la nature de la violation", "les
catégories et le nombre approximatif de personnes concernées", "...d'enregistrements...", "les
conséquences probables", "les mesures prises ou envisagées", "les motifs du retard", initial or
complementary notification); the others (dates, origin, people told) follow the form's sections
as documented in docs/breaches.md, which says which labels are certain.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from egide.domain.breaches import Breach, BreachRules, Nature, obligations

NATURES_FR = {Nature.confidentiality: "Perte de confidentialité", Nature.integrity: "Perte d'intégrité",
              Nature.availability: "Perte de disponibilité"}
ORIGINS_FR = {"internal_malicious": "Acte interne malveillant", "internal_accidental": "Acte interne accidentel",
              "external_malicious": "Acte externe malveillant", "external_accidental": "Acte externe accidentel",
              "unknown": "Inconnue"}
FORMAT = "egide-cnil-breach-notification/1"


def _when(at: datetime | None) -> str:
    return at.isoformat() if at is not None else ""


def cnil_fields(breach: Breach, controller: str = "") -> list[dict[str, Any]]:
    """(section, field as the form names it, key, value), in the form's order."""
    rows = [
        ("Notification", "Type de notification", "notification_type",
         "complémentaire" if breach.authority_notified_at else "initiale"),
        ("Organisme", "Responsable de traitement", "controller", controller),
        ("Violation", "Date de début de la violation", "occurred_at", _when(breach.occurred_at)),
        ("Violation", "Date de fin de la violation", "ended_at", _when(breach.ended_at)),
        ("Violation", "Date de prise de connaissance de la violation", "became_known_at",
         _when(breach.became_known_at)),
        ("Violation", "Motifs du retard", "delay_reasons", breach.delay_reasons or ""),
        ("Violation", "Nature de la violation", "natures", [NATURES_FR[n] for n in breach.natures]),
        ("Violation", "Origine de l'incident", "origin", ORIGINS_FR[breach.origin.value]),
        ("Violation", "Circonstances de la violation", "description", breach.description),
        ("Données", "Catégories de données concernées", "data_categories", list(breach.data_categories)),
        ("Données", "Nombre approximatif d'enregistrements concernés", "approx_records", breach.approx_records),
        ("Personnes", "Catégories de personnes concernées", "subject_categories", list(breach.subject_categories)),
        ("Personnes", "Nombre approximatif de personnes concernées", "approx_subjects", breach.approx_subjects),
        ("Conséquences", "Conséquences probables de la violation", "consequences", breach.consequences),
        ("Mesures", "Mesures prises ou envisagées", "measures", breach.measures),
        ("Information des personnes", "Les personnes ont-elles été informées ?", "people_told",
         "oui" if breach.people_told_at else "non"),
        ("Information des personnes", "Date de l'information des personnes", "people_told_at",
         _when(breach.people_told_at)),
        ("Information des personnes", "Moyens d'information", "people_told_how", breach.people_told_how or ""),
        ("Information des personnes", "Motif de la non-information (art. 34(3))", "people_exemption",
         breach.people_exemption or ""),
    ]
    return [{"section": s, "field": f, "key": k, "value": v} for s, f, k, v in rows]


def cnil_json(breach: Breach, rules: BreachRules, now: datetime, controller: str = "") -> str:
    due = obligations(breach, rules, now)
    return json.dumps({
        "format": FORMAT, "reference": breach.reference,
        "authority_due_at": due.authority_due_at.isoformat(), "notify_authority": due.notify_authority,
        "tell_people": due.tell_people, "reasons": list(due.reasons),
        "fields": cnil_fields(breach, controller)}, ensure_ascii=False, indent=2)


def cnil_csv(breach: Breach, rules: BreachRules, now: datetime, controller: str = "") -> str:
    """One row per field: section, field (as the form names it), key, value (lists joined by ' | ')."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "champ", "key", "valeur"])
    for row in cnil_fields(breach, controller):
        value = row["value"]
        writer.writerow([row["section"], row["field"], row["key"],
                         " | ".join(map(str, value)) if isinstance(value, list) else value])
    return out.getvalue()
