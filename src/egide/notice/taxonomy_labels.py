"""Readable French and English labels for the fideslang keys a register uses.

Every key of fideslang's default taxonomy (data categories, data uses, data subjects) has a
label here. A key the register adds under ``taxonomy`` uses the register's own ``name`` when the
notice is in the register's language; any other data use takes its parent's label, and any other
category or subject its last segment in words (``user.financial.credit_score`` -> "credit score").
"""

from __future__ import annotations

from egide.register.model import CustomTaxonomy, Register

# key: (French, English)
DATA_CATEGORIES: dict[str, tuple[str, str]] = {
    "system": ("données techniques du système", "system data"),
    "system.authentication": ("données d'authentification du système", "system authentication data"),
    "system.operations": ("données d'exploitation du système", "system operations data"),
    "user": ("données vous concernant", "data about you"),
    "user.account": ("informations de compte", "account information"),
    "user.account.settings": ("paramètres du compte", "account settings"),
    "user.account.username": ("nom d'utilisateur", "username"),
    "user.authorization": ("identifiants de connexion", "login credentials"),
    "user.authorization.credentials": ("identifiant et mot de passe", "login and password"),
    "user.authorization.biometric": ("identifiants biométriques", "biometric credentials"),
    "user.authorization.password": ("mot de passe", "password"),
    "user.behavior": ("comportement observé (préférences, centres d'intérêt)", "observed behaviour (preferences, interests)"),
    "user.behavior.browsing_history": ("historique de navigation (pages consultées)", "browsing history (pages visited)"),
    "user.behavior.media_consumption": ("contenus consultés (vidéos, musique, articles)", "media you watch, listen to or read"),
    "user.behavior.purchase_history": ("historique d'achats", "purchase history"),
    "user.behavior.search_history": ("historique de recherche", "search history"),
    "user.biometric": ("données biométriques", "biometric data"),
    "user.biometric.fingerprint": ("empreintes digitales", "fingerprints"),
    "user.biometric.retinal": ("image de la rétine", "retina scan"),
    "user.biometric.voice": ("empreinte vocale", "voice print"),
    "user.biometric.health": ("données biométriques de santé", "biometric health data"),
    "user.childrens": ("données concernant des enfants", "children's data"),
    "user.contact": ("coordonnées", "contact details"),
    "user.contact.address": ("adresse postale", "postal address"),
    "user.contact.address.city": ("ville", "city"),
    "user.contact.address.country": ("pays", "country"),
    "user.contact.address.postal_code": ("code postal", "postcode"),
    "user.contact.address.state": ("région ou État", "state or region"),
    "user.contact.address.street": ("rue et numéro", "street address"),
    "user.contact.email": ("adresse e-mail", "email address"),
    "user.contact.fax_number": ("numéro de fax", "fax number"),
    "user.contact.organization": ("nom de l'entreprise ou de l'organisation", "company or organisation name"),
    "user.contact.phone_number": ("numéro de téléphone", "phone number"),
    "user.contact.url": ("site web", "website"),
    "user.content": ("contenus que vous créez", "content you create"),
    "user.content.private": ("messages et contenus privés", "private messages and content"),
    "user.content.public": ("contenus publics (publications, profil public)", "public content (posts, public profile)"),
    "user.content.self_image": ("photo de vous", "photo of you"),
    "user.criminal_history": ("données relatives aux condamnations et infractions", "criminal convictions and offences"),
    "user.demographic": ("données démographiques", "demographic data"),
    "user.demographic.age_range": ("tranche d'âge", "age range"),
    "user.demographic.date_of_birth": ("date de naissance", "date of birth"),
    "user.demographic.gender": ("genre", "gender"),
    "user.demographic.language": ("langue", "language"),
    "user.demographic.marital_status": ("situation familiale", "marital status"),
    "user.demographic.political_opinion": ("opinions politiques", "political opinions"),
    "user.demographic.profile": ("profil (préférences et informations déclarées)", "profile (preferences and information you give)"),
    "user.demographic.race_ethnicity": ("origine raciale ou ethnique", "racial or ethnic origin"),
    "user.demographic.religious_belief": ("convictions religieuses", "religious beliefs"),
    "user.demographic.sexual_orientation": ("orientation sexuelle", "sexual orientation"),
    "user.device": ("informations sur votre appareil (navigateur, système)", "information about your device (browser, system)"),
    "user.device.cookie": ("cookies de votre appareil", "cookies on your device"),
    "user.device.cookie_id": ("identifiants de cookies", "cookie identifiers"),
    "user.device.device_id": ("identifiant de l'appareil", "device identifier"),
    "user.device.ip_address": ("adresse IP", "IP address"),
    "user.financial": ("données financières", "financial data"),
    "user.financial.bank_account": ("coordonnées bancaires", "bank account details"),
    "user.financial.credit_card": ("données de carte bancaire", "payment card details"),
    "user.government_id": ("numéros d'identification officiels", "government identifiers"),
    "user.government_id.birth_certificate": ("acte de naissance", "birth certificate"),
    "user.government_id.drivers_license_number": ("numéro de permis de conduire", "driving licence number"),
    "user.government_id.immigration": ("titre de séjour", "immigration document"),
    "user.government_id.national_identification_number": ("numéro d'identification national", "national identification number"),
    "user.government_id.passport_number": ("numéro de passeport", "passport number"),
    "user.government_id.vehicle_registration": ("immatriculation du véhicule", "vehicle registration"),
    "user.health_and_medical": ("données de santé", "health data"),
    "user.health_and_medical.genetic": ("données génétiques", "genetic data"),
    "user.health_and_medical.insurance_beneficiary_id": ("numéro d'assuré social ou de mutuelle", "health insurance number"),
    "user.health_and_medical.record_id": ("numéro de dossier médical", "medical record number"),
    "user.job_title": ("intitulé de poste", "job title"),
    "user.location": ("données de localisation", "location data"),
    "user.location.imprecise": ("localisation approximative", "approximate location"),
    "user.location.precise": ("localisation précise", "precise location"),
    "user.name": ("nom", "name"),
    "user.name.first": ("prénom", "first name"),
    "user.name.last": ("nom de famille", "last name"),
    "user.payment": ("données de paiement", "payment data"),
    "user.privacy_preferences": ("vos choix en matière de vie privée (consentements, refus)", "your privacy choices (consents and refusals)"),
    "user.sensor": ("données de capteurs", "sensor data"),
    "user.social": ("données de réseaux sociaux", "social network data"),
    "user.telemetry": ("données d'utilisation de l'application ou de l'appareil", "how you use the app or device (telemetry)"),
    "user.unique_id": ("identifiant unique", "unique identifier"),
    "user.unique_id.pseudonymous": ("identifiant pseudonyme", "pseudonymous identifier"),
    "user.user_sensor": ("données des capteurs de votre appareil", "data from your device's sensors"),
    "user.workplace": ("lieu de travail", "workplace"),
}

DATA_USES: dict[str, tuple[str, str]] = {
    "analytics": ("mesurer l'audience et l'utilisation de nos services", "measuring the audience and use of our services"),
    "analytics.reporting": ("établir des statistiques d'utilisation", "producing usage statistics"),
    "analytics.reporting.ad_performance": ("mesurer l'efficacité de nos publicités", "measuring how our ads perform"),
    "analytics.reporting.campaign_insights": ("analyser nos campagnes", "analysing our campaigns"),
    "analytics.reporting.content_performance": ("mesurer l'intérêt de nos contenus", "measuring how our content performs"),
    "analytics.reporting.system": ("suivre l'activité de nos systèmes", "monitoring our systems"),
    "analytics.reporting.system.performance": ("mesurer les performances de nos systèmes", "measuring our systems' performance"),
    "collect": ("collecter des données", "collecting data"),
    "employment": ("gérer la relation de travail", "managing employment"),
    "employment.recruitment": ("recruter", "recruiting"),
    "essential": ("fournir nos services", "providing our services"),
    "essential.fraud_detection": ("prévenir et détecter la fraude", "preventing and detecting fraud"),
    "essential.legal_obligation": ("respecter nos obligations légales", "meeting our legal obligations"),
    "essential.service": ("fournir le service que vous avez demandé", "providing the service you asked for"),
    "essential.service.authentication": ("vous identifier lors de la connexion", "signing you in"),
    "essential.service.notifications": ("vous envoyer les notifications du service", "sending you service notifications"),
    "essential.service.notifications.email": ("vous envoyer les e-mails du service", "sending you service emails"),
    "essential.service.notifications.sms": ("vous envoyer les SMS du service", "sending you service text messages"),
    "essential.service.operations": ("faire fonctionner le service", "running the service"),
    "essential.service.operations.improve": ("améliorer notre assistance", "improving our support"),
    "essential.service.operations.support": ("répondre à vos demandes", "answering your requests"),
    "essential.service.payment_processing": ("traiter vos paiements", "processing your payments"),
    "essential.service.security": ("assurer la sécurité du service", "keeping the service secure"),
    "essential.service.upgrades": ("mettre à jour le service", "upgrading the service"),
    "finance": ("gérer nos finances", "managing our finances"),
    "functional": ("offrir des fonctionnalités", "providing features"),
    "functional.service": ("offrir des fonctionnalités pratiques", "providing convenience features"),
    "functional.service.improve": ("améliorer nos services", "improving our services"),
    "functional.storage": ("enregistrer des informations sur votre appareil", "storing information on your device"),
    "functional.storage.privacy_preferences": ("retenir vos choix en matière de vie privée", "remembering your privacy choices"),
    "marketing": ("vous faire connaître nos offres", "marketing our offers to you"),
    "marketing.advertising": ("vous montrer de la publicité", "showing you ads"),
    "marketing.advertising.first_party": ("faire la publicité de nos offres", "advertising our own offers"),
    "marketing.advertising.first_party.contextual": ("faire la publicité de nos offres selon la page consultée", "advertising our offers based on the page you are viewing"),
    "marketing.advertising.first_party.targeted": ("vous montrer des publicités ciblées pour nos offres", "showing you targeted ads for our offers"),
    "marketing.advertising.frequency_capping": ("limiter la répétition des publicités", "limiting how often you see the same ad"),
    "marketing.advertising.negative_targeting": ("exclure certaines personnes de nos publicités", "leaving some people out of our ads"),
    "marketing.advertising.profiling": ("établir un profil publicitaire", "building an advertising profile"),
    "marketing.advertising.serving": ("afficher des publicités", "showing ads"),
    "marketing.advertising.third_party": ("afficher la publicité de partenaires", "showing ads from partners"),
    "marketing.advertising.third_party.targeted": ("vous montrer des publicités ciblées sur d'autres sites", "showing you targeted ads on other sites"),
    "marketing.communications": ("vous envoyer des offres commerciales", "sending you marketing offers"),
    "marketing.communications.email": ("vous envoyer des e-mails commerciaux (lettre d'information, offres)", "sending you marketing emails (newsletter, offers)"),
    "marketing.communications.sms": ("vous envoyer des SMS commerciaux", "sending you marketing text messages"),
    "operations": ("gérer notre entreprise (administration interne)", "running our business (internal administration)"),
    "personalize": ("personnaliser votre expérience", "personalising your experience"),
    "personalize.content": ("personnaliser les contenus", "personalising content"),
    "personalize.content.limited": ("personnaliser les contenus de façon limitée", "personalising content in a limited way"),
    "personalize.content.profiled": ("vous montrer des contenus ciblés selon votre profil", "showing you content targeted to your profile"),
    "personalize.content.profiling": ("personnaliser les contenus à partir de votre profil", "personalising content from your profile"),
    "personalize.profiling": ("établir un profil pour personnaliser nos services", "profiling you to personalise our services"),
    "personalize.system": ("adapter le service à vos préférences", "adapting the service to your preferences"),
    "sales": ("vous proposer nos services", "offering you our services"),
    "third_party_sharing": ("partager des données avec des tiers", "sharing data with third parties"),
    "third_party_sharing.legal_obligation": ("communiquer des données lorsque la loi l'impose", "disclosing data when the law requires it"),
    "train_ai_system": ("entraîner des systèmes d'intelligence artificielle", "training AI systems"),
}

DATA_SUBJECTS: dict[str, tuple[str, str]] = {
    "anonymous_user": ("utilisateurs anonymes", "anonymous users"),
    "citizen_voter": ("citoyens et électeurs", "citizens and voters"),
    "commuter": ("usagers des transports", "commuters"),
    "consultant": ("consultants", "consultants"),
    "customer": ("clients", "customers"),
    "employee": ("salariés", "employees"),
    "job_applicant": ("candidats à un emploi", "job applicants"),
    "next_of_kin": ("proches", "next of kin"),
    "passenger": ("passagers", "passengers"),
    "patient": ("patients", "patients"),
    "prospect": ("prospects", "prospective customers"),
    "shareholder": ("actionnaires", "shareholders"),
    "supplier_vendor": ("fournisseurs", "suppliers"),
    "trainee": ("stagiaires", "trainees"),
    "visitor": ("visiteurs du site", "website visitors"),
}

_TABLES = {"data_category": DATA_CATEGORIES, "data_use": DATA_USES, "data_subject": DATA_SUBJECTS}
_CUSTOM = {"data_category": "data_categories", "data_use": "data_uses", "data_subject": "data_subjects"}


def key_in_words(key: str) -> str:
    """The fallback label: the key's last segment in words ('user.financial.credit_score' -> 'credit score')."""
    return key.rsplit(".", 1)[-1].replace("_", " ").replace("-", " ")


def taxonomy_label(kind: str, key: str, lang: str, register: Register | None = None) -> str:
    """The label of a data category, data use or data subject key, in ``lang`` ('fr' or 'en')."""
    known = _TABLES[kind].get(key)
    if known is not None:
        return known[0] if lang == "fr" else known[1]
    if register is not None and register.policy.language == lang:
        for entry in getattr(register.taxonomy, _CUSTOM[kind]):
            if entry.key == key and entry.name:
                return entry.name[:1].lower() + entry.name[1:] if _is_common_word(entry.name) else entry.name
    if kind == "data_use":
        parent = key.rsplit(".", 1)[0] if "." in key else None
        if parent:
            return taxonomy_label(kind, parent, lang)  # a purpose reads better as its parent's than as a noun
    return key_in_words(key)


def keys_by_label(kind: str, taxonomy: CustomTaxonomy | None = None) -> dict[str, str]:
    """The labels above read back: each label, French and English, in lower case -> its key.

    A register's own taxonomy adds the names it gives its keys (the notice shows them in the
    register's language), so a notice read back names those keys too.
    """
    found: dict[str, str] = {}
    for key, pair in _TABLES[kind].items():
        for label in pair:
            found.setdefault(label.lower(), key)
    for entry in getattr(taxonomy, _CUSTOM[kind]) if taxonomy is not None else []:
        if entry.name:
            found[entry.name.lower()] = entry.key
    return found


def _is_common_word(name: str) -> bool:
    """A name that starts a sentence only by accident ('Score de solvabilité'), not a proper noun."""
    first = name.split(" ", 1)[0]
    return first[:1].isupper() and first[1:].islower() and len(name.split()) > 1
