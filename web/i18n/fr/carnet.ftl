# Carnet — interface en français (langue par défaut).
# Chaque clé existe aussi dans ../en/carnet.ftl ; un test le vérifie.

site-name = Carnet
site-tagline = Le wiki du territoire
nav-main-page = Accueil
nav-skip = Aller au contenu
nav-language = Langue
tab-read = Lire
tab-edit = Modifier
tab-create = Créer
tab-history = Historique
tab-raw = Texte brut
footer-license = Le texte est disponible sous licence Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA 4.0).
footer-software = Propulsé par Carnet, logiciel libre sous licence AGPL-3.0-or-later.

date-format = { $day } { $month } { $year } à { $time } UTC
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

page-last-modified = Dernière modification le { $date } par { $author }.
page-missing-heading = Cette page n'existe pas encore
page-missing-body = Personne n'a encore écrit la page « { $title } ». Vous pouvez être la première personne à le faire !
page-missing-create = Créer la page « { $title } »
oldid-banner = Ceci est une ancienne version de cette page, enregistrée le { $date } par { $author }. Elle peut être très différente de la version actuelle.
oldid-current-link = Voir la version actuelle
oldid-diff-link = Différences avec la version actuelle
restore-button = Restaurer cette version
restore-comment = Restauration de la version { $revision } du { $date } par { $author }

notice-created = La page a été créée. Merci !
notice-saved = Votre modification a été enregistrée. Merci !
notice-merged = Quelqu'un a modifié la page pendant que vous écriviez : vos modifications ont été fusionnées avec les siennes, rien n'a été perdu. Relisez le résultat.
notice-unchanged = Rien n'a été enregistré : le texte était identique à la version actuelle.
notice-restored = L'ancienne version a été restaurée ; elle est maintenant la version actuelle.

edit-heading-create = Création de « { $title } »
edit-heading-edit = Modification de « { $title } »
edit-help = Écrivez simplement. Quelques repères : « ## Titre » pour une section, **gras**, *italique*, « - » en début de ligne pour une liste, [[Autre page]] pour un lien vers une page du wiki.
edit-text-label = Texte de la page
edit-summary-label = Résumé de la modification
edit-summary-hint = En quelques mots, ce que vous avez changé (facultatif).
edit-minor-label = Modification mineure (orthographe, mise en forme)
edit-save = Publier
edit-preview = Prévisualiser
edit-cancel = Annuler
edit-preview-heading = Prévisualisation — ce texte n'est pas encore enregistré
edit-old-revision-warning = Vous partez d'une ancienne version de cette page. En publiant, ce texte deviendra la version actuelle.
edit-license = En publiant, vous acceptez de placer votre texte sous licence CC BY-SA 4.0.
editor-toolbar = Mise en forme
editor-link = Lien
editor-link-placeholder = Page
editor-heading = Titre de section
editor-list = Liste
editor-table = Tableau
editor-table-header = Colonne
editor-table-cell = texte
editor-category = Catégorie
editor-category-placeholder = Nom
editor-preview-heading = Aperçu en direct
editor-preview-failed = L'aperçu n'a pas pu être mis à jour
editor-people = Personnes présentes
editor-you = (vous)
editor-guest = Invité·e
editor-status-connecting = Connexion à l'édition à plusieurs…
editor-status-live = Édition à plusieurs : ce que chacun·e écrit apparaît chez les autres. « Publier » enregistre une version.
editor-status-watching = Vous suivez l'édition en direct, sans pouvoir modifier.
editor-status-reconnecting = Connexion perdue, nouvelle tentative… Votre texte est gardé.
editor-status-offline = Édition à plusieurs indisponible : vous écrivez seul·e, et « Publier » enregistre votre texte.
editor-status-read-only = Vous ne pouvez pas modifier cette page : le texte est en lecture seule.

conflict-heading = Conflit de modification : rien n'est perdu
conflict-explanation = Pendant que vous écriviez, { $author } a modifié les mêmes passages de cette page. Votre texte n'est pas encore enregistré. La zone de saisie contient les deux versions entre les marqueurs « <<<<<<< » et « >>>>>>> » : gardez ce qui doit l'être, supprimez les marqueurs, puis publiez.
conflict-theirs = Version enregistrée entre-temps par { $author }
conflict-mine = Votre version
conflict-changes = Ce qui diffère entre la version enregistrée et la vôtre
merge-label-base = version de départ
merge-label-theirs = version enregistrée
merge-label-mine = votre version

history-heading = Historique de « { $title } »
history-help = Choisissez deux versions puis « Comparer » pour voir leurs différences. Cliquez sur une date pour lire cette version.
history-compare = Comparer les versions sélectionnées
history-from = Depuis
history-to = Jusqu'à
history-date = Date
history-author = Auteur ou autrice
history-size = Taille
history-summary = Résumé
history-links = Liens
history-current = actuelle
history-previous = préc.
history-minor = m
history-minor-title = modification mineure
history-bytes = { $size ->
    [one] { $size } octet
   *[other] { $size } octets
}
history-older = Versions plus anciennes →
history-newest = ← Versions les plus récentes

diff-heading = Différences entre deux versions de « { $title } »
diff-old = Ancienne version
diff-new = Nouvelle version
diff-revision = Version { $revision } du { $date } par { $author }
diff-side-by-side = Côte à côte
diff-inline = Ligne par ligne
diff-no-change = Les deux versions ont exactement le même texte.
diff-counts = { $inserted ->
    [one] { $inserted } ligne ajoutée
   *[other] { $inserted } lignes ajoutées
}, { $deleted ->
    [one] { $deleted } ligne supprimée
   *[other] { $deleted } lignes supprimées
}
diff-hunk = Lignes { $old } (ancienne) et { $new } (nouvelle)
diff-deleted = supprimé
diff-inserted = ajouté
diff-previous = ← Modification précédente
diff-next = Modification suivante →

error-heading = Un problème est survenu
error-back = Retour à l'accueil
error-not-found = Cette page n'existe pas.
error-revision-not-found = La version { $revision } n'existe pas.
error-bad-title = Ce titre n'est pas valide : { $reason }
title-error-empty = le titre est vide.
title-error-too-long = le titre dépasse 255 octets.
title-error-forbidden = le caractère « { $char } » n'est pas permis dans un titre.
title-error-control = le titre contient un caractère invisible ou de contrôle.
title-error-relative = un titre ne peut pas être « . » ou « .. » ni en contenir comme chemin.
title-error-percent = un titre ne peut pas contenir de séquence « %XX ».
error-text-too-large = Le texte fait { $size } octets, plus que la limite de { $limit } octets. Raccourcissez-le ou découpez-le en plusieurs pages ; votre texte est conservé ci-dessous.
error-text-nul = Le texte contient un caractère nul, qui n'est pas permis.
error-author-too-long = Le nom est trop long (85 caractères au plus).
error-author-forbidden = Le nom contient un caractère non permis (< > [ ] | { "{" } { "}" } #).
error-author-ip = N'utilisez pas une adresse IP comme nom : choisissez un pseudonyme.
error-comment-too-long = Le résumé est trop long (500 caractères au plus).
error-foreign-base = La version de départ { $revision } n'appartient pas à cette page.
error-csrf = Le formulaire n'a pas pu être vérifié (page ouverte depuis longtemps, ou cookies désactivés). Rien n'a été enregistré, mais votre texte est conservé ci-dessous : publiez à nouveau.
error-cross-origin = Requête refusée : elle provient d'un autre site.
error-bad-request = Requête invalide : { $detail }
error-bad-parameter = Le paramètre « { $name } » est invalide.
error-unknown-action = Action inconnue : « { $action } ».
error-bad-json = Le corps de la requête n'est pas un JSON valide : { $detail }
error-content-type = Le corps de la requête doit être du JSON (Content-Type: application/json).
error-payload-too-large = La requête est trop volumineuse (limite : { $limit } octets).
error-special-page = Les pages spéciales sont produites par Carnet et ne peuvent pas être modifiées.
error-busy = La page est modifiée par beaucoup de monde en même temps ; rien n'a été enregistré. Réessayez dans un instant.
error-internal = Une erreur interne est survenue ; rien n'a été enregistré. Réessayez dans un instant.
error-method = Cette méthode n'est pas permise ici.
error-conflict = La page a changé depuis votre version de départ et les modifications se chevauchent : rien n'a été enregistré.

# Textes écrits dans les pages par le moteur de rendu (langue du contenu).
render-toc = Sommaire
render-missing-page = { $title } (page inexistante)
render-template-loop = Boucle de modèles : { $template } s'appelle lui-même.
render-template-depth = Trop de modèles imbriqués (plus de { $depth } niveaux).
render-template-size = Les modèles produisent un texte trop long ; l'expansion s'arrête ici.
render-template-time = Les modèles prennent trop de temps ; l'expansion s'arrête ici.
render-unknown-function = Fonction inconnue : { $function }
render-missing-category = Indiquez une catégorie, par exemple {"{{"}#catégorie:Parcs{"}}"}.

redirected-from = (Redirigé depuis { $title })
redirect-page-note = Cette page est une redirection vers :
categories-label = Catégories :
category-subcategories = Sous-catégories
category-pages = Pages dans cette catégorie
category-empty = Cette catégorie ne contient encore aucune page.
category-next = Pages suivantes →
tool-links-here = Pages liées
special-links-here-heading = Pages liées à « { $title } »
special-links-here-none = Aucune page ne mène à « { $title } ».
special-wanted-heading = Pages demandées
special-wanted-help = Ces pages n'existent pas encore, mais d'autres pages y mènent. À vous de les écrire !
special-wanted-links = { $count ->
    [one] { $count } lien
   *[other] { $count } liens
}
special-orphaned-heading = Pages orphelines
special-orphaned-help = Aucune autre page ne mène à ces pages : ajoutez-leur des liens.
special-none = Aucune page pour l'instant.
special-unknown = Cette page spéciale n'existe pas.

account-login = Se connecter
account-signup = Créer un compte
account-logout = Se déconnecter
account-password = Changer de mot de passe
account-logged-in-as = Connecté·e : { $name }
account-name-label = Nom d'utilisateur ou d'utilisatrice
account-name-hint = Il apparaîtra dans l'historique des pages que vous modifiez.
account-password-label = Mot de passe
account-password-hint = Au moins 8 caractères. Une phrase facile à retenir fait un bon mot de passe.
account-current-password-label = Mot de passe actuel
account-new-password-label = Nouveau mot de passe
account-signup-intro = Un compte n'est pas nécessaire pour écrire, mais il signe vos modifications de votre nom et vous permet de les retrouver. Aucune adresse électronique n'est demandée.
account-login-intro = Pas encore de compte ? Créez-en un, c'est rapide.
account-signup-done = Bienvenue, { $name } ! Votre compte est créé et vous êtes connecté·e.
account-password-done = Votre mot de passe a été changé ; vos autres sessions ont été fermées.
account-wrong-credentials = Nom ou mot de passe incorrect.
account-name-taken = Ce nom est déjà pris : choisissez-en un autre.
account-bad-name = Ce nom n'est pas permis : { $reason }
account-name-empty = il est vide.
account-name-too-long = il dépasse 85 caractères.
account-name-forbidden = il contient un caractère non permis (/ : @ # < > [ ] | { "{" } { "}" }).
account-name-ip = une adresse IP ne peut pas servir de nom.
account-name-reserved = les noms commençant par ~ sont réservés aux identités temporaires, ceux finissant par (importé) aux auteurs des wikis importés.
account-password-too-short = Le mot de passe doit faire au moins 8 caractères.
account-password-too-long = Le mot de passe est trop long.
account-password-same-as-name = Le mot de passe ne peut pas être votre nom.
account-login-required = Connectez-vous pour accéder à cette page.
edit-writing-as = Vous écrivez en tant que { $name }.
edit-writing-as-temporary = Vous écrivez sous l'identité temporaire { $name }, gardée par ce navigateur. Créez un compte pour signer de votre nom.
edit-temporary-identity = Vous n'êtes pas connecté·e : votre modification sera signée d'une identité temporaire (comme ~2026-42), gardée par ce navigateur. Votre adresse IP n'est jamais affichée. Créez un compte pour signer de votre nom.

## Droits, protection et modération
rights-until = jusqu'au { $date }
rights-indefinitely = sans limite de durée
rights-blocked = Vous êtes bloqué·e ({ $until }). Motif : { $reason }. Vous pouvez toujours lire le wiki.
rights-protected = Cette page est protégée : { $who } peuvent la modifier ({ $until }). Motif : { $reason }.
rights-account-required = Connectez-vous ou créez un compte pour faire cela.
rights-admins-only = Seuls les administrateurs et administratrices peuvent faire cela.
rights-animateurs-only = Seuls les animateurs, animatrices et les administrateurs peuvent faire cela.
protection-level-registered = seules les personnes inscrites
protection-level-admin = seuls les administrateurs
protection-notice = Page protégée par { $by } : { $who } peuvent la modifier ({ $until }). Motif : { $reason }.
error-revision-hidden = Le texte de la version { $revision } a été masqué par un administrateur.
error-revision-deleted = La version { $revision } appartient à une page supprimée.
error-hide-current = On ne peut pas masquer la version actuelle : restaurez d'abord une version antérieure.
error-move-target-exists = La page « { $title } » existe déjà (ou a existé) : choisissez un autre titre.
error-move-same-title = Le nouveau titre est le même que l'ancien.
error-rollback-not-last = La dernière modification n'est plus de { $author } : quelqu'un a modifié la page entre-temps. Rechargez l'historique.
error-rollback-only-author = Toutes les versions de la page sont de { $author } : il n'y a rien à rétablir.
error-user-not-found = Aucun compte ni identité temporaire ne s'appelle « { $name } ».
error-bad-expiry = Durée ou date non comprise : « { $input } ». Exemples : 2h, 3j, 1sem, 1mois, 1an, 2026-12-31, infini.
notice-protected = La protection de la page a été mise à jour.
notice-undeleted = La page a été restaurée avec son historique.
notice-moved = La page a été renommée ; l'ancien titre redirige ici.
notice-rolledback = Les modifications ont été révoquées.
tool-move = Renommer
tool-protect = Protéger
tool-delete = Supprimer
tool-undelete = Restaurer
history-text-hidden = (texte masqué)
history-deleted = (supprimée)
history-hide = masquer
history-unhide = démasquer
history-log-heading = Journal de cette page
history-page-deleted = Cette page est supprimée : ses versions ne sont visibles que des administrateurs.
history-rollback = Révoquer les dernières modifications de { $author }
page-deleted-heading = Cette page a été supprimée
moderation-reason = Motif (public)
moderation-expiry = Durée
moderation-expiry-other = Autre durée ou date
moderation-expiry-other-hint = Facultatif, remplace le choix ci-dessus : 2h, 3j, 1sem, 1mois, 1an ou une date 2026-12-31.
expiry-infini = sans limite
expiry-2h = 2 heures
expiry-1j = 1 jour
expiry-1sem = 1 semaine
expiry-1mois = 1 mois
expiry-3mois = 3 mois
expiry-1an = 1 an
protect-heading = Protéger « { $title } »
protect-help = Une page protégée ne peut être modifiée que par les personnes choisies. La protection, sa durée et son motif s'affichent sur la page et dans son historique.
protect-level = Qui peut modifier
protect-level-registered = Personnes inscrites seulement
protect-level-admin = Administrateurs seulement
protect-level-none = Tout le monde (lever la protection)
protect-submit = Enregistrer la protection
delete-heading = Supprimer « { $title } »
delete-help = La page disparaîtra pour les lecteurs et les liens vers elle deviendront rouges. Rien n'est détruit : un administrateur peut la restaurer avec tout son historique.
delete-submit = Supprimer la page
undelete-heading = Restaurer « { $title } »
undelete-help = Toutes les versions supprimées reviennent dans l'historique ; la plus récente redevient la page actuelle.
undelete-submit = Restaurer la page
move-heading = Renommer « { $title } »
move-help = La page garde tout son historique sous son nouveau titre ; l'ancien titre devient une redirection.
move-new-title = Nouveau titre
move-submit = Renommer la page
move-comment = A renommé « { $from } » en « { $to } »
move-redirect-comment = Redirection vers « { $to } » après renommage
hide-heading = Masquer le texte d'une version de « { $title } »
hide-revision = Version { $revision } du { $date } par { $author }.
hide-help = Le texte masqué n'est plus visible que des administrateurs ; la ligne d'historique reste.
hide-choice = Texte de cette version
hide-choice-hide = Masquer
hide-choice-show = Afficher à nouveau
hide-submit = Enregistrer
rollback-comment = Révocation des modifications de { $author } (retour à la version { $revision } de { $previous })
log-heading = Journal des actions
log-help = Protections, suppressions, blocages, renommages et changements de droits : tout est public.
log-filter-all = Tout
log-filter-protect = Protections
log-filter-delete = Suppressions
log-filter-block = Blocages
log-filter-move = Renommages
log-filter-rights = Droits
log-console = (console)
log-reason = { " " }— motif : { $reason }
log-protect = a protégé « { $target } » ({ $who }, { $until })
log-unprotect = a levé la protection de « { $target } »
log-delete = a supprimé « { $target } »
log-undelete = { $count ->
    [one] a restauré « { $target } » (1 version)
   *[other] a restauré « { $target } » ({ $count } versions)
}
log-hide = a masqué le texte de la version { $revision } de « { $target } »
log-unhide = a rendu visible le texte de la version { $revision } de « { $target } »
log-block = a bloqué { $target } ({ $until })
log-unblock = a débloqué { $target }
log-move = a renommé « { $target } » en « { $to } »
log-rights = a changé les droits de { $target } ({ $change })
block-heading = Bloquer un compte ou une identité temporaire
block-help = Une personne bloquée peut toujours lire, mais ni modifier ni créer de pages. Le blocage, sa durée et son motif sont publics.
block-target = Nom du compte ou de l'identité temporaire
block-target-hint = Par exemple Marie Dupont ou ~2026-42.
block-submit = Bloquer
block-current = { $name } est bloqué·e ({ $until }). Motif : { $reason }.
block-lift = Lever le blocage
account-temporary-identity = Identité temporaire : { $name }
footer-tools = Outils du wiki

# Jetons d'accès personnels à l'API (page /account/tokens)
tokens-heading = Jetons d'accès à l'API
tokens-link = Jetons d'accès
tokens-intro = Un jeton permet à un script ou à un robot d'utiliser l'API JSON en votre nom, sans votre mot de passe : il l'envoie dans l'en-tête « Authorization: Bearer … ». Les modifications faites avec un jeton sont signées de votre nom. Révoquez un jeton dès que vous n'en avez plus besoin.
tokens-none = Vous n'avez aucun jeton actif.
tokens-col-name = Nom
tokens-col-scope = Droits
tokens-col-created = Créé le
tokens-col-last-used = Dernière utilisation
tokens-col-actions = Actions
tokens-scope-read = Lecture seule
tokens-scope-write = Lecture et écriture
tokens-never-used = Jamais
tokens-revoke = Révoquer
tokens-create-heading = Créer un jeton
tokens-name-label = Nom du jeton
tokens-name-hint = Pour le reconnaître dans la liste, par exemple « robot de sauvegarde ».
tokens-write-label = Autoriser les modifications (lecture et écriture)
tokens-write-hint = Sans cette case, le jeton ne peut que lire : toute modification faite avec lui est refusée.
tokens-create = Créer le jeton
tokens-created = Le jeton « { $name } » est créé. Copiez-le maintenant : il ne sera plus jamais affiché.
tokens-created-usage = Exemple : curl -H "Authorization: Bearer <jeton>" { $url }
tokens-revoked = Le jeton a été révoqué : il ne donne plus accès à rien.
tokens-not-found = Ce jeton n'existe pas ou a déjà été révoqué.
tokens-name-empty = Donnez un nom au jeton.
tokens-name-too-long = Le nom du jeton dépasse 100 caractères.
tokens-name-control = Le nom du jeton contient un caractère de contrôle.
token-error-invalid = Jeton d'accès refusé : il est inconnu, révoqué ou mal formé. Envoyez « Authorization: Bearer carnet_… » avec un jeton valide, créé depuis votre page de compte.
token-error-read-only = Ce jeton d'accès est en lecture seule : il ne permet pas de modifier le wiki.
error-form-content-type = Le formulaire doit être envoyé en application/x-www-form-urlencoded.
error-bad-encoding = Le corps de la requête contient du texte qui n'est pas de l'UTF-8 valide. Rien n'a été enregistré.
history-block = bloquer

## Limites de fréquence et événements (limits.rs, events.rs)
limit-wait-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
limit-wait-minutes = { $count ->
    [one] une minute
   *[other] { $count } minutes
}
limit-signup = Trop de comptes ont été créés depuis cette connexion. Réessayez dans { $wait }. En atelier ? L'animateur ou l'animatrice peut ouvrir un événement sur Spécial:Événements.
limit-login = Trop de tentatives de connexion ont échoué pour ce nom ou depuis cette connexion. Par sécurité, les connexions sont suspendues : réessayez dans { $wait }.
limit-save = Trop de modifications en peu de temps : celle-ci n'a pas été enregistrée. Réessayez dans { $wait }. En atelier ? L'animateur ou l'animatrice peut ouvrir un événement sur Spécial:Événements.
limit-create = Trop de pages créées en peu de temps : celle-ci n'a pas été enregistrée. Réessayez dans { $wait }. En atelier ? L'animateur ou l'animatrice peut ouvrir un événement sur Spécial:Événements.
events-heading = Événements
events-intro = Pendant un atelier, beaucoup de personnes écrivent depuis une même connexion. Un événement ouvert relâche les limites par adresse pour les connexions qu'il couvre ; les limites par compte restent les mêmes.
events-open = En cours
events-open-none = Aucun événement en cours.
events-upcoming = À venir
events-upcoming-none = Aucun événement prévu.
events-past = Passés
events-past-none = Aucun événement passé.
events-when = du { $start } au { $end }
events-ended-early = (terminé le { $date })
events-range = adresses : { $range }
events-range-any = toutes les adresses
events-by = ouvert par { $name }
events-end = Terminer maintenant
events-new = Ouvrir un événement
events-name-label = Nom de l'événement
events-start-label = Début
events-end-label = Fin
events-time-hint = Heures en temps universel (UTC). Un événement dure au plus 7 jours.
events-range-label = Plage d'adresses IP (facultatif)
events-range-hint = L'adresse publique du lieu (203.0.113.9) ou un réseau en notation CIDR (192.0.2.0/24, 2001:db8::/48). Vide : toutes les adresses.
events-create = Ouvrir l'événement
events-who = Seuls les animateurs, animatrices et administrateurs peuvent ouvrir un événement.
events-notice-created = L'événement est enregistré.
events-notice-ended = L'événement est terminé.
event-forbidden = Seuls les animateurs, animatrices et administrateurs peuvent ouvrir ou terminer un événement. Connectez-vous avec un tel compte.
event-not-found = Cet événement n'existe pas ou est déjà terminé.
event-error-name-empty = Donnez un nom à l'événement. Rien n'a été enregistré.
event-error-name-too-long = Le nom de l'événement est trop long (100 caractères au plus). Rien n'a été enregistré.
event-error-name-control = Le nom de l'événement contient un caractère non permis. Rien n'a été enregistré.
event-error-bad-start = Le début n'est pas une date et une heure (AAAA-MM-JJTHH:MM). Rien n'a été enregistré.
event-error-bad-end = La fin n'est pas une date et une heure (AAAA-MM-JJTHH:MM). Rien n'a été enregistré.
event-error-end-before-start = La fin doit venir après le début. Rien n'a été enregistré.
event-error-end-in-past = La fin est déjà passée. Rien n'a été enregistré.
event-error-too-long = Un événement dure au plus 7 jours. Rien n'a été enregistré.
event-error-bad-range = La plage d'adresses n'est ni une adresse IP ni un réseau CIDR (par exemple 192.0.2.0/24). Rien n'a été enregistré.

## Modifications récentes et flux
day-format = { $day } { $month } { $year }
changes-heading = Modifications récentes
changes-help = Les dernières modifications du wiki, regroupées par jour puis par page. Heures en UTC.
changes-namespace = Espace
changes-all-namespaces = Tous
changes-articles = Articles
changes-period = Période
changes-any-period = Depuis le début
changes-last-days = { $count ->
    [one] dernier jour
   *[other] { $count } derniers jours
}
changes-user = Contributeur ou contributrice
changes-category = Catégorie
changes-new-only = Nouvelles pages seulement
changes-hide-minor = Masquer les modifications mineures
changes-filter = Filtrer
changes-feed = Flux Atom de cette liste
changes-none = Aucune modification pour ces filtres.
changes-diff = diff
changes-history = historique
changes-count = { $count ->
    [one] 1 modification
   *[other] { $count } modifications
}
changes-new-flag = N
changes-new-title = Nouvelle page
changes-older = Modifications plus anciennes →
feed-changes-title = Modifications récentes — Carnet
feed-page-title = Historique de « { $title } » — Carnet
feed-category-title = Modifications dans la catégorie { $title } — Carnet
feed-no-summary = (sans résumé)
feed-entry = { $author } : { $summary } ({ $delta } octets)
contributions-heading = Contributions de { $name }
new-pages-heading = Nouvelles pages
stats-heading = Statistiques
stats-help = Le wiki en chiffres. Les pages supprimées ne comptent pas.
stats-articles = { $count ->
    [one] 1 article
   *[other] { $count } articles
}
stats-pages = { $count ->
    [one] 1 page en tout (discussions, catégories, modèles, portails compris)
   *[other] { $count } pages en tout (discussions, catégories, modèles, portails compris)
}
stats-revisions = { $count ->
    [one] 1 version enregistrée
   *[other] { $count } versions enregistrées
}
stats-accounts = { $count ->
    [one] 1 compte inscrit
   *[other] { $count } comptes inscrits
}
stats-writers = { $count ->
    [one] 1 personne a écrit (comptes et identités temporaires)
   *[other] { $count } personnes ont écrit (comptes et identités temporaires)
}

## Liste de suivi
watch-add = Suivre
watch-remove = Ne plus suivre
notice-watched = La page est dans votre liste de suivi.
notice-unwatched = La page n'est plus dans votre liste de suivi.
watchlist-heading = Liste de suivi
watchlist-since = Modifications des pages suivies depuis votre dernière visite, le { $date }.
watchlist-first-visit = Modifications des pages suivies pendant les 7 derniers jours.
watchlist-nothing-new = Rien de nouveau sur vos pages suivies.
watchlist-pages = Pages suivies
watchlist-empty = Vous ne suivez encore aucune page : utilisez « Suivre » en haut d'une page.
watchlist-own-edits = Suivre les pages que je crée ou modifie
watchlist-save-settings = Enregistrer
watchlist-settings-saved = Préférence enregistrée.
tab-talk = Discussion
tab-subject = Page
## Live co-editing (issue 5)
live-checkpoint-comment = en direct avec
live-merge-label-live = texte en direct
live-merge-label-saved = version enregistrée
## Category tree and pages by size (issue 6)
category-tree-heading = Arbre des catégories
category-tree-help = Chaque catégorie avec ses sous-catégories ; cliquez sur une flèche pour déplier ou replier une branche.
category-tree-empty = Aucune catégorie pour l’instant. Ajoutez [[Catégorie:Nom]] au texte d’une page pour en créer une.
category-tree-branch-heading = Arbre de la catégorie { $category }
category-tree-branch-help = Les sous-catégories de cette catégorie, sur plusieurs niveaux.
category-tree-unknown = La catégorie « { $category } » n’a ni page ni membre.
category-tree-filed-in = Classée dans :
category-tree-counts = { $pages ->
    [one] 1 page
   *[other] { $pages } pages
}, { $subcategories ->
    [0] aucune sous-catégorie
    [one] 1 sous-catégorie
   *[other] { $subcategories } sous-catégories
}
category-tree-deeper = déplier la suite…
category-tree-loops-back = (déjà plus haut sur cette branche : boucle)
category-tree-truncated = L’arbre est trop grand pour une seule page : ouvrez une branche pour voir la suite.
category-tree-whole = Voir l’arbre entier
category-cycles-heading = Boucles de catégories
category-cycles-help = Ces catégories sont classées les unes dans les autres en boucle. Rien n’est refusé, mais l’arbre ne peut pas les ranger : retirez l’un des liens de catégorie pour défaire la boucle.
category-cycle-notice = Cette catégorie fait partie d’une boucle de catégories :
special-long-heading = Pages les plus longues
special-long-help = Les articles dont le texte est le plus long (les redirections ne comptent pas).
special-short-heading = Pages les plus courtes
special-short-help = Les articles dont le texte est le plus court : des ébauches à compléter ?
category-see-tree = Voir cette catégorie dans l’arbre des catégories
## New section on talk pages (issue 6)
tab-new-section = Nouvelle section
new-section-heading = Nouvelle section sur { $title }
new-section-help = Votre message est ajouté à la fin de la page, sous le sujet choisi, et signé automatiquement de votre nom et de l’heure.
new-section-subject-label = Sujet
new-section-text-label = Message
new-section-save = Publier la section
new-section-comment = Nouvelle section : { $subject }
notice-section-added = Votre section a été ajoutée.
error-section-subject-empty = Donnez un sujet à votre section.
error-section-subject-too-long = Le sujet est trop long (au plus { $limit } caractères) ; votre texte est conservé ci-dessous.
error-section-message-empty = Écrivez un message sous le sujet.
## Search (issue 7)
search-heading = Recherche
search-label = Rechercher dans le wiki
search-placeholder = Rechercher…
search-go = Lire
search-button = Rechercher
search-help = Les accents et le pluriel ne comptent pas (« cheval » trouve « chevaux »). Entre guillemets, une expression exacte ; un tiret devant un mot l’exclut (-piscine).
search-results-title = Recherche : { $query }
search-none = Aucune page ne contient « { $query } ».
search-summary = { $total ->
    [one] Une page trouvée.
   *[other] { $total } pages trouvées, de { $first } à { $last } ci-dessous.
}
search-create = Créer la page « { $title } »
search-pages = Pages de résultats
search-previous = ← Résultats précédents
search-next = Résultats suivants →
error-search-no-words = Indiquez au moins un mot à chercher (un mot précédé d’un tiret est exclu, il ne suffit pas).
error-search-too-long = La recherche est trop longue (au plus { $limit } caractères).
error-search-too-many-terms = La recherche a trop de termes (au plus { $limit }).

## Tableau de bord des wiki-journées (dashboard.rs)
events-target-label = Portail ou catégorie de l'atelier (facultatif)
events-target-hint = Par exemple Portail:Patrimoine ou Catégorie:Parcs de Lyon. Il est indiqué sur le tableau de bord.
event-error-bad-target = La cible doit être une page du portail (Portail:…) ou une catégorie (Catégorie:…). Rien n'a été enregistré.
event-heading = { $name } : tableau de bord
event-report-heading = { $name } : bilan
event-target = cible :
event-status-upcoming = À venir : les chiffres commenceront au début de l'événement.
event-status-open = En cours : les chiffres se mettent à jour tout seuls.
event-status-past = Terminé : voici le bilan de l'événement.
event-figure-participants = Participants et participantes
event-figure-pages-created = Pages créées
event-figure-pages-edited = Pages modifiées
event-figure-edits = Modifications
event-figure-bytes-added = Octets ajoutés
event-figure-photos = Photos importées
event-photos-note = Photos : images (JPEG, PNG, WebP, GIF) téléversées pendant l'événement par ses participants, nouvelles versions comprises.
event-latest = Dernières modifications
event-latest-none = Aucune modification pour l'instant.
event-participants = Par participant ou participante
event-participants-none = Personne n'a encore rejoint l'événement.
event-total = Total
event-joined-link = lien d'inscription
event-joined-editing = modification sur place
event-csv = Télécharger le bilan (CSV)
event-csv-participant = Participant ou participante
event-csv-joined = Venu par
event-csv-edits = Modifications
event-csv-pages-created = Pages créées
event-csv-pages-edited = Pages modifiées
event-csv-bytes-added = Octets ajoutés
event-reload-hint = Sans JavaScript, rechargez la page pour voir les derniers chiffres.
event-join-link = Lien d'inscription
event-join-link-help = Donnez ce lien aux personnes qui participent : il crée un compte en une étape et les compte dans l'événement. Seuls les animateurs, animatrices et administrateurs le voient.
event-join-heading = Rejoindre « { $name } »
event-join-dashboard = tableau de bord
event-join-intro = Choisissez un nom et un mot de passe : votre compte est créé, vous êtes inscrit ou inscrite à l'événement et vous pouvez écrire tout de suite.
event-join-as = Rejoindre en tant que { $name }
event-join-other = Ou créez un autre compte :
event-join-submit = Créer mon compte et rejoindre
event-missing = Cet événement n'existe pas.
event-bad-join-link = Ce lien d'inscription n'est pas valable : il est incomplet ou erroné. Demandez le lien à l'animateur ou l'animatrice de l'atelier.
event-over = Cet événement est terminé : son lien d'inscription ne sert plus. Vous pouvez toujours créer un compte depuis « Créer un compte ».

conflict-their-changes = Ce qu'a changé { $authors } (version de départ → version enregistrée)
conflict-my-changes = Vos modifications (version de départ → votre version)
conflict-diff-link = Voir ces changements sur la page des différences (nouvel onglet)
conflict-merged-label = Texte fusionné : corrigez les passages entre marqueurs, puis publiez
conflict-save-hint = « Publier le texte fusionné » enregistre le texte de la zone de saisie par-dessus la version enregistrée. Vos deux versions complètes restent affichées plus bas.
conflict-save = Publier le texte fusionné

stale-notice = Cette page a changé depuis que vous l'avez ouverte : { $count ->
    [one] une modification
   *[other] { $count } modifications
} par { $authors }.
stale-summary = Résumé : « { $summary } ».
stale-hint = Vous pouvez continuer : en publiant, vos modifications seront fusionnées avec les leurs ; si elles touchent les mêmes lignes, un écran de conflit vous montrera les deux versions, sans rien perdre.
stale-diff = Voir ce qui a changé (nouvel onglet)
stale-view = Voir la page (nouvel onglet)
stale-gone = Cette page a été supprimée ou renommée depuis que vous l'avez ouverte. Votre texte est toujours dans la zone de saisie : copiez-le avant de quitter.

## Portails (portals.rs)
rights-portal-curators = Seuls les administrateurs, administratrices et les animateurs ou animatrices nommés pour ce portail peuvent l'organiser.
portal-error-not-a-portal = Seules les pages de l'espace Portail s'organisent ainsi.
portal-error-not-on-portal = Cet élément n'est pas (ou plus) sur le portail.
portal-error-full = Le portail a déjà le nombre maximal de pages à la une ou de sections.
notice-curated = Le portail a été mis à jour.
portal-notice-curated = Modification enregistrée ; elle figure dans l'historique du portail.
portal-blocks-label = Contenus du portail
portal-today = Article du jour
portal-featured = À la une
portal-section-heading = { $category } ({ $order })
portal-section-more = Toutes les pages de la catégorie { $category } →
portal-order-newest = les plus récentes
portal-order-recent = modifiées récemment
portal-order-alpha = par ordre alphabétique
portal-activity = Activité récente du portail
portal-activity-all = Toutes les modifications du portail
portal-curate-tab = Organiser le portail
portal-curate-heading = Organiser « { $title } »
portal-curate-help = Épinglez des pages à la une (l'article du jour est tiré chaque jour parmi elles, dans leur ordre), ajoutez des sections liées à une catégorie. Chaque changement est public et figure dans l'historique du portail.
portal-animateurs = Animateurs et animatrices du portail : { $names }.
portal-animateurs-none = Aucun animateur ni animatrice nommé pour ce portail : seuls les administrateurs peuvent l'organiser.
portal-feature-target = Page à mettre à la une
portal-feature-target-hint = Son titre, par exemple « Parc des Buttes ». Une page déjà à la une garde sa place : son texte et son image sont remplacés.
portal-feature-blurb = Présentation (facultatif)
portal-feature-blurb-hint = Une phrase ou deux, 300 caractères au plus.
portal-feature-picture = Image (facultatif)
portal-feature-picture-hint = Le titre d'un fichier, par exemple « Fichier:Buttes.jpg ».
portal-feature-submit = Mettre à la une
portal-feature-up = Monter « { $title } »
portal-feature-down = Descendre « { $title } »
portal-feature-remove = Retirer « { $title } » de la une
portal-section-category = Catégorie de la section
portal-section-category-hint = Son nom, par exemple « Parcs ».
portal-section-order = Ordre
portal-section-size = Nombre de pages montrées
portal-section-size-hint = De 1 à 50.
portal-section-submit = Ajouter la section
portal-section-remove = Retirer la section { $category } ({ $order })
portal-appoint-target = Nommer un animateur ou une animatrice
portal-appoint-hint = Le nom d'un compte : il ou elle pourra organiser ce portail, et lui seul.
portal-appoint-submit = Nommer
portal-dismiss = Retirer { $name } des animateurs
log-filter-portal = Portails
log-portal-feature = a mis « { $object } » à la une de « { $target } »
log-portal-update = a changé la présentation de « { $object } » sur « { $target } »
log-portal-unfeature = a retiré « { $object } » de la une de « { $target } »
log-portal-up = a monté « { $object } » sur « { $target } »
log-portal-down = a descendu « { $object } » sur « { $target } »
log-portal-section = a ajouté la section { $object } ({ $order }) à « { $target } »
log-portal-unsection = a retiré la section { $object } ({ $order }) de « { $target } »
log-portal-appoint = a nommé { $object } animateur ou animatrice de « { $target } »
log-portal-dismiss = a retiré { $object } des animateurs de « { $target } »
portal-index-heading = Portails
portal-index-help = Tous les portails du wiki, avec le nombre de pages de leurs catégories et pages à la une, et leur dernière activité.
portal-index-pages = { $count ->
    [one] { $count } page
   *[other] { $count } pages
}
portal-index-line = { $pages }, dernière activité le { $date }
changes-portal = Portail
feed-portal-title = Modifications du portail { $title } — Carnet

## Fin d'une séance en direct (verrouiller les notes)
live-lock-heading = Terminer la séance et verrouiller les notes
live-lock-help = Enregistre une dernière version avec tout ce qui a été écrit, ferme l'édition en direct pour tout le monde et protège la page : seuls les administrateurs pourront encore la modifier. L'action figure dans le journal public.
live-lock-reason-label = Motif (facultatif, public)
live-lock-button = Terminer et verrouiller
live-lock-default-reason = Notes de réunion verrouillées en fin de séance
live-lock-summary = Fin de la séance
notice-locked = La séance est terminée : une dernière version a été enregistrée et la page est verrouillée.

## Media (issue 7): the log
log-filter-upload = Téléversements
log-upload = a téléversé « { $target } »
log-upload-restore = a rétabli la version { $version } de « { $target } »

## Media (issue 7): upload form, file pages, list, errors
upload-heading = Téléverser un fichier
upload-help = Images (JPEG, PNG, WebP, GIF), documents PDF et sons (MP3, OGG). Le type est reconnu d'après le contenu du fichier, pas d'après son nom.
upload-help-limits = Taille maximale : { $size }. Les fichiers SVG et les fichiers contenant du HTML ou du script sont refusés.
upload-new-version-of = Nouvelle version du fichier
upload-target = Nom du fichier sur le wiki
upload-target-hint = Laissé vide, le nom du fichier envoyé est repris. Il doit finir par l'extension de son type (.jpg, .png…).
upload-description = Description
upload-author = Auteur ou autrice
upload-source = Source
upload-source-hint = « Travail personnel », ou l'adresse où le fichier a été trouvé.
upload-licence = Licence
upload-comment = Résumé
upload-file = Fichier
upload-submit = Téléverser
upload-error-no-file = Aucun fichier n'a été envoyé : choisissez un fichier.
upload-error-no-name = Donnez un nom au fichier.
upload-error-extension = Le nom ne correspond pas au contenu : ce fichier doit porter l'extension .{ $extension }.
licence-cc-by-sa-4-0 = Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA 4.0)
licence-cc-by-4-0 = Creative Commons Attribution 4.0 (CC BY 4.0)
licence-cc0-1-0 = Creative Commons Zéro 1.0 (CC0, don au domaine public)
licence-public-domain = Domaine public
file-default-description = Fichier téléversé.
file-panel-label = Fichier
file-original = Fichier d'origine
file-upload-new-version = Téléverser une nouvelle version
file-kind = Type
file-dimensions-label = Dimensions
file-dimensions = { $width } × { $height } pixels
file-size = Taille
file-author = Auteur ou autrice
file-source = Source
file-licence = Licence
file-unknown = non indiqué
file-history-heading = Historique du fichier
file-history-date = Date
file-history-picture = Aperçu
file-history-uploader = Téléversé par
file-history-comment = Résumé
file-history-current = actuelle
file-history-restore = restaurer
file-restore-comment = Version { $version } restaurée
file-users-heading = Pages qui utilisent ce fichier
file-users-none = Aucune page n'utilise ce fichier.
file-missing-upload = Téléverser ce fichier
file-error-not-found = Ce fichier n'existe pas.
file-error-version-not-found = La version { $version } de ce fichier n'existe pas.
files-heading = Fichiers
files-name = Nom
files-none = Aucun fichier n'a encore été téléversé.
files-upload-link = Téléverser un fichier
notice-uploaded = Le fichier a été téléversé. Merci !
notice-uploaded-version = La nouvelle version du fichier a été téléversée.
notice-file-restored = L'ancienne version du fichier est de nouveau la version actuelle.
size-bytes = { $count ->
    [one] { $count } octet
   *[other] { $count } octets
}
size-kib = { $size } Kio
size-mib = { $size } Mio
media-error-empty = Le fichier est vide.
media-error-too-large = Le fichier est trop gros : { $limit } au plus.
media-error-unknown-type = Le contenu de ce fichier n'est pas d'un type accepté (JPEG, PNG, WebP, GIF, PDF, MP3, OGG), quel que soit son nom.
media-error-svg = Les fichiers SVG (et autres documents XML ou HTML) ne sont pas acceptés : exportez le dessin en PNG.
media-error-script = Le fichier contient du HTML ou du script : il est refusé.
media-error-trailing-data = Le fichier contient des données après sa fin : il est refusé.
media-error-truncated = Le fichier est incomplet (tronqué) : envoyez-le à nouveau.
media-error-corrupt = Le fichier est endommagé et ne peut pas être lu.
media-error-too-many-pixels = L'image fait { $width } × { $height } pixels : c'est plus que permis.
media-error-decode-limit = L'image demanderait trop de mémoire pour être lue.
media-error-unsupported = Cette variante du format n'est pas prise en charge : enregistrez l'image sous une forme courante.
media-error-not-image = Ce fichier n'est pas une image.
stats-files = { $count ->
    [one] { $count } fichier
   *[other] { $count } fichiers
}
stats-file-bytes = Fichiers stockés : { $size }
upload-error-octet-stream = Le corps de la requête doit être le fichier lui-même (Content-Type: application/octet-stream).

## Export HTML statique (carnet export html)
export-home = Accueil
export-all-pages = Toutes les pages
export-nav-label = Navigation de la copie
export-note = Copie statique de { $site } exportée le { $date }. Les liens en rouge mènent à des pages qui n'existaient pas.
export-redirect = Cette page est une redirection vers
export-page-gone = Cette page a été supprimée pendant l'export.
export-page-count = { $count ->
    [one] { $count } page
   *[other] { $count } pages
}
export-previous = ← Pages précédentes
export-next = Pages suivantes →
export-ns-main = Articles
export-ns-talk = Discussions
export-ns-user = Pages d'utilisateurs
export-ns-file = Fichiers
export-ns-template = Modèles
export-ns-category = Catégories
export-ns-portal = Portails
footer-api = API
api-heading = API JSON
api-intro = Cette page décrit l'API JSON de Carnet, pour les développeurs et développeuses de scripts et de robots. Elle est produite à partir du code, comme le document OpenAPI ; les descriptions sont en anglais, la langue de ce document.
api-document-link = Document OpenAPI { $version } (JSON)
api-auth-heading = Authentification
api-auth-text = Aucune authentification n'est exigée pour lire. Pour écrire au nom de votre compte depuis un script, créez un jeton personnel (en lecture seule ou en écriture) sur la page de votre compte et envoyez-le dans l'en-tête « Authorization: Bearer … ».
api-contents = Sommaire
api-parameters = Paramètres
api-request-body = Corps de la requête
api-responses = Réponses
api-example = Exemple
api-schemas = Schémas
api-col-name = Nom
api-col-in = Où
api-col-type = Type
api-col-required = Obligatoire
api-col-description = Description
api-col-status = Statut
api-col-body = Corps
api-col-property = Propriété
api-yes = oui
api-no = non

# Issue 9: the confirmation an anonymous reader reaches from a file's history.
file-restore-confirm-heading = Restaurer cette version de { $title } ?
