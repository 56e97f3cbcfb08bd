"""The breach register's words in the console, French first, and its menu entry."""

from __future__ import annotations

NAV = [("/console/breaches", "nav.breaches", "breaches.read")]

MESSAGES = {
    "fr": {
        "nav.breaches": "Violations",
        "br.title": "Registre des violations de données", "br.reference": "Référence", "br.status": "État",
        "br.known": "Connue le", "br.deadline": "Notification à l'autorité avant le",
        "br.hours_left": "{n} h restantes", "br.overdue": "en retard", "br.notified": "Autorité notifiée le",
        "br.no_notification": "non requise (risque improbable)", "br.people": "Personnes",
        "br.records": "Enregistrements", "br.risk": "Risque", "br.tell": "Les personnes doivent être informées",
        "br.told": "Personnes informées le", "br.how": "Comment", "br.new": "Enregistrer une violation",
        "br.natures": "Nature", "br.origin": "Origine", "br.description": "Circonstances",
        "br.data_categories": "Catégories de données", "br.subject_categories": "Catégories de personnes",
        "br.approx_people": "Nombre approximatif de personnes", "br.approx_records": "Nombre approximatif d'enregistrements",
        "br.consequences": "Conséquences probables", "br.measures": "Mesures prises ou envisagées",
        "br.known_at": "Date de prise de connaissance", "br.started_at": "Début de la violation",
        "br.ended_at": "Fin de la violation", "br.hold_logs": "Incident de sécurité ouvert : conserver les journaux jusqu'à sa résolution",
        "br.record": "Enregistrer", "br.obligations": "Obligations", "br.actions": "Actions",
        "br.notify": "Notification à l'autorité faite", "br.at": "Le", "br.authority_reference": "Numéro de la notification",
        "br.delay_reasons": "Motifs du retard", "br.mark_told": "Personnes informées",
        "br.exempt": "Ne pas informer (art. 34(3))", "br.exempt_reason": "Motif",
        "br.hold": "Ouvrir l'incident de sécurité (gel des journaux)", "br.held": "Journaux gelés (gel n° {id})",
        "br.resolve": "Clore l'incident", "br.resolved": "Close le", "br.export": "Export pour le formulaire de la CNIL",
        "br.open": "ouverte", "br.closed": "close", "br.exemption": "Exemption (art. 34(3))",
        "br.logs": "Journaux", "br.incident": "Incident de sécurité",
        "br.rules": "Délai de notification : {h} heures après la prise de connaissance (réglage).",
    },
    "en": {
        "nav.breaches": "Breaches",
        "br.title": "Personal data breach register", "br.reference": "Reference", "br.status": "Status",
        "br.known": "Known since", "br.deadline": "Notify the authority by", "br.hours_left": "{n} h left",
        "br.overdue": "overdue", "br.notified": "Authority notified", "br.no_notification": "not required (risk unlikely)",
        "br.people": "People", "br.records": "Records", "br.risk": "Risk", "br.tell": "The people must be told",
        "br.told": "People told", "br.how": "How", "br.new": "Record a breach", "br.natures": "Nature",
        "br.origin": "Origin", "br.description": "Circumstances", "br.data_categories": "Data categories",
        "br.subject_categories": "Categories of people", "br.approx_people": "Approximate number of people",
        "br.approx_records": "Approximate number of records", "br.consequences": "Likely consequences",
        "br.measures": "Measures taken or proposed", "br.known_at": "Became known at",
        "br.started_at": "Breach started", "br.ended_at": "Breach ended",
        "br.hold_logs": "Open security incident: keep the logs until it is resolved", "br.record": "Record",
        "br.obligations": "Obligations", "br.actions": "Actions", "br.notify": "Authority notified",
        "br.at": "At", "br.authority_reference": "Notification number", "br.delay_reasons": "Reasons for the delay",
        "br.mark_told": "People told", "br.exempt": "Do not tell (art. 34(3))", "br.exempt_reason": "Ground",
        "br.hold": "Open the security incident (hold the logs)", "br.held": "Logs held (hold #{id})",
        "br.resolve": "Close the incident", "br.resolved": "Closed", "br.export": "Export for the CNIL's form",
        "br.open": "open", "br.closed": "closed", "br.exemption": "Exemption (art. 34(3))",
        "br.logs": "Logs", "br.incident": "Security incident",
        "br.rules": "Deadline: {h} hours after the breach became known (a setting).",
    },
}
