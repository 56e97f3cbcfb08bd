"""Recipients a policy names: known processors and platforms, and the kinds of recipient it lists.

Known names are matched on folded text with word boundaries; short or common words
("Meta", "Amazon", "Square", "Segment") only when written with their capital, on the
original text. A product (Google Analytics) wins over its company (Google) where both match.
``country`` is where the named entity is established, refined by the alias that matched
("Google Ireland Limited" -> IE, "Google LLC" -> US): it is not a transfer by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from egide.register.model import RecipientKind as K


@dataclass(frozen=True)
class KnownRecipient:
    key: str
    name: str
    kind: K
    country: str | None
    service: str
    aliases: tuple[str, ...] = ()  # regexes on folded text
    capitalised: tuple[str, ...] = ()  # regexes on the original text, case-sensitive


def _k(key: str, name: str, kind: K, country: str | None, service: str, *aliases: str,
       capitalised: tuple[str, ...] = ()) -> KnownRecipient:
    return KnownRecipient(key, name, kind, country, service, tuple(aliases), capitalised)


P, T, J = K.processor, K.third_party, K.joint_controller

KNOWN: list[KnownRecipient] = [
    # Google and its products
    _k("google-analytics", "Google Analytics", P, "US", "web analytics", r"google analytics(?: 4| 360)?", r"\bga4\b",
       r"universal analytics", r"firebase analytics"),
    _k("google-tag-manager", "Google Tag Manager", P, "US", "tag management", r"google tag manager", r"\bgtm\b"),
    _k("google-ads", "Google Ads", P, "US", "advertising", r"google ads?\b", r"google adwords", r"\badwords\b",
       r"google adsense", r"remarketing de google", r"google ad\b"),
    _k("google-dynamic-remarketing", "Google Dynamic Remarketing", P, "US", "advertising",
       r"google dynamic remarketing", r"remarketing dynamique de google"),
    _k("google-marketing-platform", "Google Marketing Platform", P, "US", "advertising",
       r"google marketing platform", r"plateforme marketing de google", r"doubleclick", r"double-clic",
       r"campaign manager 360", r"display & video 360", r"floodlight"),
    _k("firebase", "Google Firebase", P, "US", "app development platform", r"firebase(?: cloud messaging| crashlytics)?"),
    _k("recaptcha", "Google reCAPTCHA", P, "US", "bot protection", r"recaptcha"),
    _k("google-maps", "Google Maps", T, "US", "maps", r"google maps"),
    _k("google-fonts", "Google Fonts", P, "US", "web fonts", r"google fonts"),
    _k("google-cloud", "Google Cloud", P, "US", "cloud hosting", r"google cloud(?: platform)?", r"google workspace",
       r"g suite", r"\bgcp\b"),
    _k("google-plus", "Google +", T, "US", "social network", r"google ?\+", r"google plus"),
    _k("youtube", "YouTube", T, "US", "video platform", r"youtube"),
    _k("google", "Google", P, "US", "various services", r"google(?: ireland(?: limited| ltd\.?)?| llc| inc\.?| france)?",
       r"alphabet inc"),
    # Meta and other social networks
    _k("facebook-pixel", "Facebook Pixel", P, "US", "advertising and conversion tracking",
       r"pixel (?:de )?(?:facebook|meta)", r"(?:facebook|meta) pixel", r"facebook conversions? api"),
    _k("facebook-lead-ads", "Facebook Lead Ads", T, "US", "lead generation ads", r"(?:facebook )?lead ads"),
    _k("facebook", "Facebook (Meta)", T, "US", "social network and advertising",
       r"facebook(?: ireland(?: limited| ltd\.?)?| inc\.?| france)?", r"meta platforms(?: ireland)?(?: limited| ltd\.?| inc\.?)?",
       capitalised=(r"\bMeta\b",)),
    _k("instagram", "Instagram", T, "US", "social network", r"instagram"),
    _k("whatsapp", "WhatsApp", P, "US", "messaging", r"whatsapp"),
    _k("twitter", "Twitter (X)", T, "US", "social network", r"twitter(?: inc\.?| international)?", r"x corp"),
    _k("linkedin", "LinkedIn", T, "US", "social network", r"linkedin(?: insight tag| ireland)?"),
    _k("pinterest", "Pinterest", T, "US", "social network", r"pinterest"),
    _k("tiktok", "TikTok", T, "CN", "social network", r"tik ?tok", r"tiktok"),
    _k("snapchat", "Snapchat", T, "US", "social network", r"snapchat", r"snap inc"),
    # Microsoft, Amazon, Apple
    _k("microsoft-advertising", "Microsoft Advertising (Bing Ads)", P, "US", "advertising",
       r"bing ads", r"microsoft advertising", r"bing (?:uet|universal event tracking)"),
    _k("microsoft-clarity", "Microsoft Clarity", P, "US", "session analytics", r"microsoft clarity"),
    _k("microsoft", "Microsoft", P, "US", "cloud and office software",
       r"microsoft(?: corporation| ireland(?: operations)?(?: limited| ltd\.?)?| inc\.?| france| azure| 365)?",
       r"\bazure\b", r"office 365", r"outlook\.com"),
    _k("aws", "Amazon Web Services", P, "US", "cloud hosting", r"amazon web services", r"\baws\b", r"amazon s3",
       r"amazon ses"),
    _k("amazon", "Amazon", P, "US", "marketplace and services", capitalised=(r"\bAmazon\b",)),
    _k("apple", "Apple", T, "US", "app store and devices", r"app store", r"apple (?:inc|distribution)",
       capitalised=(r"\bApple\b",)),
    # Payment
    _k("stripe", "Stripe", P, "US", "payment", r"stripe(?: payments europe| inc\.?)?"),
    _k("paypal", "PayPal", P, "LU", "payment", r"paypal(?: \(europe\))?"),
    _k("adyen", "Adyen", P, "NL", "payment", r"adyen"),
    _k("evo-payments", "EVO Payments International", P, "DE", "payment", r"evo payments(?: international)?"),
    _k("lyra", "Lyra (PayZen, Systempay)", P, "FR", "payment", r"payzen", r"systempay", r"lyra network"),
    _k("worldline", "Worldline (Ingenico)", P, "FR", "payment", r"worldline", r"ingenico", r"ogone"),
    _k("mangopay", "Mangopay", P, "LU", "payment", r"mangopay"),
    _k("lemonway", "Lemonway", P, "FR", "payment", r"lemon ?way"),
    _k("gocardless", "GoCardless", P, "GB", "payment", r"gocardless"),
    _k("klarna", "Klarna", T, "SE", "payment", r"klarna"),
    _k("payplug", "PayPlug", P, "FR", "payment", r"payplug"),
    _k("monext", "Monext (Payline)", P, "FR", "payment", r"payline", r"monext"),
    _k("hipay", "HiPay", P, "FR", "payment", r"hipay"),
    _k("mollie", "Mollie", P, "NL", "payment", capitalised=(r"\bMollie\b",)),
    _k("braintree", "Braintree", P, "US", "payment", r"braintree"),
    _k("sumup", "SumUp", P, "GB", "payment", r"sumup"),
    _k("alma", "Alma", P, "FR", "payment", capitalised=(r"\bAlma\b",)),
    _k("oney", "Oney", T, "FR", "payment", capitalised=(r"\bOney\b",)),
    # Hosting and infrastructure
    _k("ovh", "OVHcloud", P, "FR", "hosting", r"ovh(?:cloud| sas)?"),
    _k("scaleway", "Scaleway", P, "FR", "hosting", r"scaleway"),
    _k("o2switch", "o2switch", P, "FR", "hosting", r"o2switch"),
    _k("ionos", "IONOS", P, "DE", "hosting", r"ionos", r"1&1"),
    _k("gandi", "Gandi", P, "FR", "hosting", r"gandi"),
    _k("infomaniak", "Infomaniak", P, "CH", "hosting", r"infomaniak"),
    _k("outscale", "Outscale", P, "FR", "hosting", r"outscale"),
    _k("clever-cloud", "Clever Cloud", P, "FR", "hosting", r"clever cloud"),
    _k("hetzner", "Hetzner", P, "DE", "hosting", r"hetzner"),
    _k("cloudflare", "Cloudflare", P, "US", "content delivery", r"cloudflare"),
    _k("heroku", "Heroku", P, "US", "hosting", r"heroku"),
    _k("vercel", "Vercel", P, "US", "hosting", r"vercel"),
    _k("netlify", "Netlify", P, "US", "hosting", r"netlify"),
    _k("digitalocean", "DigitalOcean", P, "US", "hosting", r"digital ?ocean"),
    _k("shopify", "Shopify", P, "CA", "e-commerce platform", r"shopify"),
    _k("wix", "Wix", P, "IL", "website builder", r"wix(?:\.com)?"),
    _k("squarespace", "Squarespace", P, "US", "website builder", r"squarespace"),
    # Email, CRM, support, messaging
    _k("brevo", "Brevo (Sendinblue)", P, "FR", "email marketing", r"brevo", r"sendinblue"),
    _k("mailchimp", "Mailchimp", P, "US", "email marketing", r"mailchimp", r"mandrill", r"the rocket science group"),
    _k("mailjet", "Mailjet", P, "FR", "email", r"mailjet"),
    _k("sendgrid", "SendGrid", P, "US", "email", r"sendgrid"),
    _k("mailgun", "Mailgun", P, "US", "email", r"mailgun"),
    _k("klaviyo", "Klaviyo", P, "US", "email marketing", r"klaviyo"),
    _k("activecampaign", "ActiveCampaign", P, "US", "email marketing", r"active ?campaign"),
    _k("splio", "Splio", P, "FR", "email marketing", r"splio"),
    _k("sarbacane", "Sarbacane", P, "FR", "email marketing", r"sarbacane"),
    _k("selligent", "Selligent", P, "BE", "email marketing", r"selligent"),
    _k("actito", "Actito", P, "BE", "email marketing", r"actito"),
    _k("hubspot", "HubSpot", P, "US", "CRM", r"hubspot"),
    _k("salesforce", "Salesforce", P, "US", "CRM", r"salesforce(?: marketing cloud)?", r"pardot"),
    _k("pipedrive", "Pipedrive", P, "US", "CRM", r"pipedrive"),
    _k("zoho", "Zoho", P, "IN", "CRM", r"zoho"),
    _k("zendesk", "Zendesk", P, "US", "customer support", r"zendesk", r"zopim"),
    _k("intercom", "Intercom", P, "US", "customer messaging", r"intercom"),
    _k("crisp", "Crisp", P, "FR", "customer messaging", r"crisp(?:\.chat| im)?\b"),
    _k("freshworks", "Freshworks (Freshdesk)", P, "US", "customer support", r"freshdesk", r"freshworks", r"freshchat"),
    _k("snapengage", "SnapEngage", P, "US", "chat", r"snapengage(?: llc)?"),
    _k("tawk", "tawk.to", P, "US", "chat", r"tawk\.to"),
    _k("livechat", "LiveChat", P, "US", "chat", r"livechat"),
    _k("twilio", "Twilio", P, "US", "messaging", r"twilio"),
    _k("aircall", "Aircall", P, "FR", "telephony", r"aircall"),
    _k("ringover", "Ringover", P, "FR", "telephony", r"ringover"),
    _k("calendly", "Calendly", P, "US", "scheduling", r"calendly"),
    _k("typeform", "Typeform", P, "ES", "forms", r"typeform"),
    _k("docusign", "DocuSign", P, "US", "e-signature", r"docusign"),
    _k("yousign", "Yousign", P, "FR", "e-signature", r"yousign"),
    _k("slack", "Slack", P, "US", "messaging", capitalised=(r"\bSlack\b",)),
    _k("zoom", "Zoom", P, "US", "video conferencing", r"zoom video", capitalised=(r"\bZoom\b",)),
    _k("dropbox", "Dropbox", P, "US", "file storage", r"dropbox"),
    _k("atlassian", "Atlassian (Jira, Confluence, Trello)", P, "AU", "collaboration", r"atlassian", r"\bjira\b", r"trello"),
    # Analytics, consent, advertising
    _k("matomo", "Matomo", P, "NZ", "web analytics", r"matomo", r"piwik"),
    _k("piano-analytics", "Piano Analytics (AT Internet)", P, "FR", "web analytics", r"at internet", r"piano analytics",
       r"\bxiti\b"),
    _k("hotjar", "Hotjar", P, "MT", "session analytics", r"hotjar"),
    _k("contentsquare", "Contentsquare", P, "FR", "session analytics", r"content ?square"),
    _k("mixpanel", "Mixpanel", P, "US", "product analytics", r"mixpanel"),
    _k("amplitude", "Amplitude", P, "US", "product analytics", r"amplitude(?: analytics| inc)"),
    _k("segment", "Segment (Twilio)", P, "US", "customer data platform", r"segment\.(?:com|io)", capitalised=(r"\bSegment\b",)),
    _k("adobe", "Adobe", P, "US", "analytics and marketing", r"adobe(?: analytics| experience cloud| systems)?"),
    _k("ab-tasty", "AB Tasty", P, "FR", "A/B testing", r"ab ?tasty"),
    _k("kameleoon", "Kameleoon", P, "FR", "A/B testing", r"kameleoon"),
    _k("optimizely", "Optimizely", P, "US", "A/B testing", r"optimizely"),
    _k("criteo", "Criteo", T, "FR", "advertising", r"criteo"),
    _k("taboola", "Taboola", T, "IL", "advertising", r"taboola"),
    _k("outbrain", "Outbrain", T, "US", "advertising", r"outbrain"),
    _k("didomi", "Didomi", P, "FR", "consent management", r"didomi"),
    _k("axeptio", "Axeptio", P, "FR", "consent management", r"axeptio"),
    _k("onetrust", "OneTrust", P, "US", "consent management", r"onetrust"),
    _k("cookiebot", "Cookiebot (Usercentrics)", P, "DE", "consent management", r"cookiebot", r"usercentrics"),
    _k("sentry", "Sentry", P, "US", "error monitoring", r"sentry\.io", capitalised=(r"\bSentry\b",)),
    _k("algolia", "Algolia", P, "FR", "search", r"algolia"),
    _k("trustpilot", "Trustpilot", T, "DK", "customer reviews", r"trustpilot"),
    _k("avis-verifies", "Avis Vérifiés (Skeepers)", P, "FR", "customer reviews", r"avis verifies", r"skeepers"),
    # Delivery
    _k("la-poste", "La Poste (Colissimo)", P, "FR", "delivery", r"la poste", r"colissimo"),
    _k("chronopost", "Chronopost", P, "FR", "delivery", r"chronopost"),
    _k("mondial-relay", "Mondial Relay", P, "FR", "delivery", r"mondial relay"),
    _k("dhl", "DHL", P, "DE", "delivery", r"\bdhl\b"),
    _k("ups", "UPS", P, "US", "delivery", capitalised=(r"\bUPS\b",)),
    _k("fedex", "FedEx", P, "US", "delivery", r"fedex"),
    _k("dpd", "DPD", P, "FR", "delivery", capitalised=(r"\bDPD\b",)),
    _k("gls", "GLS", P, "NL", "delivery", capitalised=(r"\bGLS\b",)),
    # Public and credit bodies often named
    _k("banque-de-france", "Banque de France", K.public_body, "FR", "central bank files (FICP, FCC)",
       r"banque de france", r"\bficp\b"),
    _k("bloctel", "Bloctel", K.public_body, "FR", "telephone opt-out list", r"bloctel"),
    _k("creditsafe", "Creditsafe", T, "GB", "credit information", r"creditsafe"),
    _k("experian", "Experian", T, "IE", "credit information", r"experian"),
    _k("ellisphere", "Ellisphere", T, "FR", "credit information", r"ellisphere"),
    _k("schufa", "SCHUFA", T, "DE", "credit information", r"schufa"),
]

# Names that look like recipients but are not (browsers, the authority, the law).
_NOT_RECIPIENTS = re.compile(r"google chrome|chrome|google play(?: store)?|internet explorer|microsoft edge|"
                             r"mozilla|firefox|safari|opera|microsoft word")

_COUNTRY_OF_ALIAS = [(re.compile(r"ireland|irlande"), "IE"), (re.compile(r"\bllc\b|\binc\b|corporation"), "US"),
                     (re.compile(r"\bfrance\b"), "FR"), (re.compile(r"europe"), None)]



@dataclass(frozen=True)
class RecipientMention:
    known: KnownRecipient
    start: int
    end: int
    alias: str  # the text that matched
    country: str | None


_ANY_CAPITALISED = re.compile("|".join(f"(?:{c})" for entry in KNOWN for c in entry.capitalised))


def find_known_recipients(text: str, norm: str) -> list[RecipientMention]:
    """Known recipients named in a segment (original ``text`` and folded ``norm`` of the same length)."""
    if not (_BY_WORD.keys() & set(re.findall(r"[a-z0-9]+", norm)) or _ANY_CAPITALISED.search(text)):
        return []
    return list(_find_known(text, norm))


def _first_word(alias: str) -> str:
    match = re.match(r"[a-z0-9]+", re.sub(r"^(?:\\b|\(\?:|\(\?<!\\w\))+", "", alias))
    return match.group(0) if match else ""


_BY_WORD: dict[str, list[tuple[KnownRecipient, re.Pattern[str]]]] = {}
for _entry in KNOWN:
    if _entry.aliases:
        _pattern = re.compile("|".join(f"(?:{a})" for a in _entry.aliases))
        for _word in {_first_word(a) for a in _entry.aliases}:
            _BY_WORD.setdefault(_word, []).append((_entry, _pattern))
_CAPITALISED = [(entry, re.compile("|".join(entry.capitalised))) for entry in KNOWN if entry.capitalised]


@lru_cache(maxsize=8192)
def _find_known(text: str, norm: str) -> tuple[RecipientMention, ...]:
    blanked = _NOT_RECIPIENTS.sub(lambda m: " " * len(m.group(0)), norm)
    spans: list[tuple[KnownRecipient, int, int]] = []
    candidates = {id(e): (e, p) for word in set(re.findall(r"[a-z0-9]+", blanked)) for e, p in _BY_WORD.get(word, ())}
    for entry, pattern in candidates.values():
        for m in pattern.finditer(blanked):
            start, end = m.start(), m.end()
            if (start and (blanked[start - 1].isalnum() or blanked[start - 1] in "@._")) or \
                    (end < len(blanked) and (blanked[end].isalnum() or blanked[end] == "_")):
                continue
            spans.append((entry, start, end))
    for entry, pattern in _CAPITALISED:
        spans += [(entry, m.start(), m.end()) for m in pattern.finditer(text) if blanked[m.start():m.end()].strip()]
    found: list[RecipientMention] = []
    for entry, start, end in spans:
        alias = text[start:end]
        country = entry.country
        for pattern, code in _COUNTRY_OF_ALIAS:
            if pattern.search(norm[start:end]):
                country = code or country
                break
        found.append(RecipientMention(entry, start, end, alias, country))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[RecipientMention] = []
    for mention in found:
        if any(k.start <= mention.start and mention.end <= k.end for k in kept):
            continue
        kept.append(mention)
    return tuple(kept)


# Recipients a policy names by kind, not by name: (pattern on folded text, French name, English name, kind).
GENERIC: list[tuple[str, str, str, K]] = [
    (r"(?:nos |ses |des |aux |les )?sous-traitants?(?! de vos)|sub-?processors?|(?:data )?processors\b",
     "Sous-traitants", "Processors", K.processor),
    (r"prestataires? (?:de services? )?(?:techniques?|informatiques?)|(?:it|technical) service providers?",
     "Prestataires techniques et informatiques", "IT service providers", K.processor),
    (r"hebergeurs?|(?:prestataires?|societes?) d'hebergement|hosting (?:provider|company)",
     "Hébergeur", "Hosting provider", K.processor),
    (r"prestataires? (?:de services? )?de paiement|(?:payment (?:service )?providers?|payment processors?)",
     "Prestataire de paiement", "Payment service provider", K.processor),
    (r"prestataires? (?:logistiques?|de livraison|de transport)|transporteurs?|livreurs?|delivery (?:providers?|companies)"
     r"|carriers?\b", "Transporteurs et prestataires logistiques", "Delivery providers", K.processor),
    (r"prestataires? (?:d'(?:e-?mailing|envoi)|de routage|de marketing|de communication|de publicite)"
     r"|(?:marketing|advertising|emailing) (?:service )?providers?",
     "Prestataires marketing et publicitaires", "Marketing service providers", K.processor),
    (r"prestataires? (?:d'analyse|de mesure d'audience|de statistiques)|fournisseurs? (?:d'analyse|de solutions "
     r"analytiques|d'outils d'analyse)|analytics providers?", "Fournisseurs d'analyse", "Analytics providers", K.processor),
    (r"(?:nos |des |les |aux )?prestataires?(?: de services?)?(?! de (?:paiement|livraison|transport))|service providers?"
     r"|(?:nos |des )?fournisseurs? de services?|suppliers?\b|vendors?\b",
     "Prestataires de services", "Service providers", K.processor),
    (r"partenaires? (?:commerciaux|publicitaires|marketing|de confiance)|(?:business|advertising|marketing) partners"
     r"|societes partenaires|nos partenaires", "Partenaires commerciaux", "Business partners", K.third_party),
    (r"autorites? (?:administratives?|judiciaires?|competentes?|publiques?|de police|fiscales?)|organismes? publics?"
     r"|administrations?(?: fiscales?)?|forces de l'ordre|services de police|\bpolice\b|tribunaux|juridictions?"
     r"|autorites? de (?:controle|regulation)|services de l'etat|prefectures?|ministeres?|collectivites?|(?:public|government|tax|judicial|law enforcement) (?:authorities|bodies|"
     r"agencies)|courts of law|the courts|regulators?", "Autorités et organismes publics", "Public authorities", K.public_body),
    (r"commissaires? aux comptes|auditeurs?|experts?-comptables?|cabinets? comptables?|(?:external )?auditors"
     r"|accountants", "Commissaires aux comptes et experts-comptables", "Auditors and accountants", K.third_party),
    (r"avocats?|conseils juridiques|auxiliaires de justice|huissiers?(?: de justice)?|commissaires? de justice"
     r"|officiers ministeriels|notaires?|lawyers|legal (?:advisers|advisors|counsel)",
     "Avocats, huissiers et auxiliaires de justice", "Lawyers and legal advisers", K.third_party),
    (r"(?:organismes?|societes?|cabinets?|prestataires?) (?:charges? (?:du|de|d'effectuer le) )?(?:recouvrement|de recouvrement)"
     r"|recouvrement de creances|debt collect(?:ors?|ion agenc(?:y|ies))", "Organismes de recouvrement",
     "Debt collectors", K.third_party),
    (r"(?:nos |ses |les )?filiales|societes (?:du|de notre) groupe|entites du groupe|groupe auquel|"
     r"(?:our |group )affiliates|group (?:companies|entities)|subsidiaries", "Sociétés du groupe", "Group companies",
     K.group_company),
    (r"(?:nos |les )?equipes? (?:internes?|habilitees?)|personnel (?:habilite|autorise)|(?:nos |le )personnel"
     r"|services? internes?|salaries habilites|agents? habilites?|services municipaux|(?:our |authorised |authorized )(?:staff|employees|personnel)",
     "Personnel habilité et équipes internes", "Authorised staff", K.internal),
    (r"(?:acquereur|acheteur|repreneur|cessionnaire)s?(?: potentiels?)?|(?:fusion|acquisition|cession d'actifs)"
     r"|(?:buyer|acquirer|purchaser)s?\b|merger", "Repreneur en cas de fusion ou cession", "Buyer in a merger or sale",
     K.third_party),
    (r"agences? (?:de (?:notation|credit|renseignement))|organismes? de credit|etablissements? (?:de credit|bancaires?)"
     r"|credit (?:reference )?agenc(?:y|ies)|banques?\b|banks?\b", "Établissements bancaires et de crédit",
     "Banks and credit agencies", K.third_party),
    (r"assureurs?|compagnies? d'assurances?|insurers?|insurance companies", "Assureurs", "Insurers", K.third_party),
    (r"(?:reseaux sociaux|social networks?)", "Réseaux sociaux", "Social networks", K.third_party),
]
_GENERIC = [(re.compile(rf"(?<!\w)(?:{p})"), fr, en, kind) for p, fr, en, kind in GENERIC]


@dataclass(frozen=True)
class GenericMention:
    name_fr: str
    name_en: str
    kind: K
    start: int
    end: int


def find_generic_recipients(norm: str) -> list[GenericMention]:
    """Kinds of recipient a segment lists ("nos sous-traitants", "les autorités compétentes")."""
    found: list[GenericMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, fr, en, kind in _GENERIC:
        for m in pattern.finditer(norm):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(GenericMention(fr, en, kind, m.start(), m.end()))
            break
    return sorted(found, key=lambda g: g.start)
