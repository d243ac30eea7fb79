# Carnet — English interface.
# Every key also exists in ../fr/carnet.ftl; a test checks it.

site-name = Carnet
site-tagline = The community wiki
nav-main-page = Main page
nav-skip = Skip to content
nav-language = Language
tab-read = Read
tab-edit = Edit
tab-create = Create
tab-history = History
tab-raw = Raw text
footer-license = Text is available under the Creative Commons Attribution-ShareAlike 4.0 licence (CC BY-SA 4.0).
footer-software = Powered by Carnet, free software under the AGPL-3.0-or-later.

date-format = { $month } { $day }, { $year } at { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

page-last-modified = Last edited on { $date } by { $author }.
page-missing-heading = This page does not exist yet
page-missing-body = Nobody has written the page “{ $title }” yet. You can be the first!
page-missing-create = Create the page “{ $title }”
oldid-banner = This is an old revision of this page, saved on { $date } by { $author }. It may differ a lot from the current revision.
oldid-current-link = View the current revision
oldid-diff-link = Changes since this revision
restore-button = Restore this revision
restore-comment = Restored revision { $revision } of { $date } by { $author }

notice-created = The page was created. Thank you!
notice-saved = Your edit was saved. Thank you!
notice-merged = Someone edited the page while you were writing: your changes were merged with theirs and nothing was lost. Please review the result.
notice-unchanged = Nothing was saved: the text was the same as the current revision.
notice-restored = The old revision was restored; it is now the current revision.

edit-heading-create = Creating “{ $title }”
edit-heading-edit = Editing “{ $title }”
edit-help = Just write. A few hints: “## Title” for a section, **bold**, *italic*, “- ” at the start of a line for a list, [[Other page]] to link to a wiki page.
edit-text-label = Page text
edit-summary-label = Edit summary
edit-summary-hint = In a few words, what you changed (optional).
edit-minor-label = Minor edit (spelling, formatting)
edit-save = Publish
edit-preview = Preview
edit-cancel = Cancel
edit-preview-heading = Preview — this text is not saved yet
edit-old-revision-warning = You are starting from an old revision of this page. When you publish, this text becomes the current revision.
edit-license = By publishing, you agree to release your text under the CC BY-SA 4.0 licence.
editor-toolbar = Formatting
editor-link = Link
editor-link-placeholder = Page
editor-heading = Heading
editor-list = List
editor-table = Table
editor-table-header = Column
editor-table-cell = text
editor-category = Category
editor-category-placeholder = Name
editor-preview-heading = Live preview
editor-preview-failed = The preview could not be updated
editor-people = People here
editor-you = (you)
editor-guest = Guest
editor-status-connecting = Connecting to live editing…
editor-status-live = Live editing: what everyone writes shows for the others. “Publish” saves a version.
editor-status-watching = You are watching live editing, without editing rights.
editor-status-reconnecting = Connection lost, trying again… Your text is kept.
editor-status-offline = Live editing is unavailable: you are writing alone, and “Publish” saves your text.
editor-status-read-only = You may not edit this page: the text is read-only.

conflict-heading = Edit conflict: nothing is lost
conflict-explanation = While you were writing, { $author } changed the same parts of this page. Your text is not saved yet. The text box holds both versions between the “<<<<<<<” and “>>>>>>>” markers: keep what should stay, remove the markers, then publish.
conflict-theirs = Revision saved meanwhile by { $author }
conflict-mine = Your version
conflict-changes = What differs between the saved revision and yours
merge-label-base = starting revision
merge-label-theirs = saved revision
merge-label-mine = your version

history-heading = History of “{ $title }”
history-help = Pick two revisions and “Compare” to see their differences. Click a date to read that revision.
history-compare = Compare selected revisions
history-from = From
history-to = To
history-date = Date
history-author = Author
history-size = Size
history-summary = Summary
history-links = Links
history-current = cur
history-previous = prev
history-minor = m
history-minor-title = minor edit
history-bytes = { $size ->
    [one] { $size } byte
   *[other] { $size } bytes
}
history-older = Older revisions →
history-newest = ← Newest revisions

diff-heading = Differences between two revisions of “{ $title }”
diff-old = Older revision
diff-new = Newer revision
diff-revision = Revision { $revision } of { $date } by { $author }
diff-side-by-side = Side by side
diff-inline = Inline
diff-no-change = Both revisions have exactly the same text.
diff-counts = { $inserted ->
    [one] { $inserted } line added
   *[other] { $inserted } lines added
}, { $deleted ->
    [one] { $deleted } line removed
   *[other] { $deleted } lines removed
}
diff-hunk = Lines { $old } (old) and { $new } (new)
diff-deleted = removed
diff-inserted = added
diff-previous = ← Previous edit
diff-next = Next edit →

error-heading = Something went wrong
error-back = Back to the main page
error-not-found = This page does not exist.
error-revision-not-found = Revision { $revision } does not exist.
error-bad-title = This title is not valid: { $reason }
title-error-empty = the title is empty.
title-error-too-long = the title is longer than 255 bytes.
title-error-forbidden = the character “{ $char }” is not allowed in a title.
title-error-control = the title contains an invisible or control character.
title-error-relative = a title cannot be “.” or “..” nor contain them as a path.
title-error-percent = a title cannot contain a “%XX” sequence.
error-text-too-large = The text is { $size } bytes, over the limit of { $limit } bytes. Shorten it or split it into several pages; your text is kept below.
error-text-nul = The text contains a NUL character, which is not allowed.
error-author-too-long = The name is too long (85 characters at most).
error-author-forbidden = The name contains a character that is not allowed (< > [ ] | { "{" } { "}" } #).
error-author-ip = Do not use an IP address as your name: pick a nickname.
error-comment-too-long = The summary is too long (500 characters at most).
error-foreign-base = The base revision { $revision } does not belong to this page.
error-csrf = The form could not be verified (the page was open for a long time, or cookies are disabled). Nothing was saved, but your text is kept below: publish again.
error-cross-origin = Request refused: it comes from another site.
error-bad-request = Invalid request: { $detail }
error-bad-parameter = The parameter “{ $name }” is invalid.
error-unknown-action = Unknown action: “{ $action }”.
error-bad-json = The request body is not valid JSON: { $detail }
error-content-type = The request body must be JSON (Content-Type: application/json).
error-payload-too-large = The request is too large (limit: { $limit } bytes).
error-special-page = Special pages are generated by Carnet and cannot be edited.
error-busy = Many people are editing this page at once; nothing was saved. Try again in a moment.
error-internal = An internal error occurred; nothing was saved. Try again in a moment.
error-method = This method is not allowed here.
error-conflict = The page changed since your base revision and the changes overlap: nothing was saved.

# Texts the renderer writes into pages (content language).
render-toc = Contents
render-missing-page = { $title } (page does not exist)
render-template-loop = Template loop: { $template } calls itself.
render-template-depth = Too many nested templates (more than { $depth } levels).
render-template-size = Templates produce too much text; expansion stops here.
render-template-time = Templates take too long; expansion stops here.
render-unknown-function = Unknown function: { $function }
render-missing-category = Name a category, for example {"{{"}#category:Parks{"}}"}.

redirected-from = (Redirected from { $title })
redirect-page-note = This page is a redirect to:
categories-label = Categories:
category-subcategories = Subcategories
category-pages = Pages in this category
category-empty = This category has no pages yet.
category-next = Next pages →
tool-links-here = What links here
special-links-here-heading = Pages that link to “{ $title }”
special-links-here-none = No page links to “{ $title }”.
special-wanted-heading = Wanted pages
special-wanted-help = These pages do not exist yet, but other pages link to them. Write them!
special-wanted-links = { $count ->
    [one] { $count } link
   *[other] { $count } links
}
special-orphaned-heading = Orphaned pages
special-orphaned-help = No other page links to these pages: add links to them.
special-none = No pages for now.
special-unknown = This special page does not exist.

account-login = Log in
account-signup = Create an account
account-logout = Log out
account-password = Change password
account-logged-in-as = Logged in: { $name }
account-name-label = User name
account-name-hint = It will appear in the history of the pages you edit.
account-password-label = Password
account-password-hint = At least 8 characters. A sentence you remember makes a good password.
account-current-password-label = Current password
account-new-password-label = New password
account-signup-intro = You do not need an account to write, but it signs your edits with your name and lets you find them again. No e-mail address is asked.
account-login-intro = No account yet? Create one, it is quick.
account-signup-done = Welcome, { $name }! Your account is created and you are logged in.
account-password-done = Your password was changed; your other sessions were closed.
account-wrong-credentials = Wrong user name or password.
account-name-taken = This name is taken: choose another one.
account-bad-name = This name is not allowed: { $reason }
account-name-empty = it is empty.
account-name-too-long = it is longer than 85 characters.
account-name-forbidden = it contains a character that is not allowed (/ : @ # < > [ ] | { "{" } { "}" }).
account-name-ip = an IP address cannot be a name.
account-name-reserved = names starting with ~ are kept for temporary identities, names ending with (importé) for the authors of imported wikis.
account-password-too-short = The password must be at least 8 characters long.
account-password-too-long = The password is too long.
account-password-same-as-name = The password cannot be your name.
account-login-required = Log in to see this page.
edit-writing-as = You are writing as { $name }.
edit-writing-as-temporary = You are writing under the temporary identity { $name }, kept by this browser. Create an account to sign with your name.
edit-temporary-identity = You are not logged in: your edit will be signed with a temporary identity (like ~2026-42), kept by this browser. Your IP address is never shown. Create an account to sign with your name.

## Rights, protection and moderation
rights-until = until { $date }
rights-indefinitely = indefinitely
rights-blocked = You are blocked ({ $until }). Reason: { $reason }. You can still read the wiki.
rights-protected = This page is protected: { $who } may edit it ({ $until }). Reason: { $reason }.
rights-account-required = Log in or create an account to do this.
rights-admins-only = Only administrators can do this.
rights-animateurs-only = Only animateurs (workshop facilitators) and administrators can do this.
protection-level-registered = only registered users
protection-level-admin = only administrators
protection-notice = Page protected by { $by }: { $who } may edit it ({ $until }). Reason: { $reason }.
error-revision-hidden = The text of revision { $revision } was hidden by an administrator.
error-revision-deleted = Revision { $revision } belongs to a deleted page.
error-hide-current = The current revision cannot be hidden: restore an earlier revision first.
error-move-target-exists = The page “{ $title }” already exists (or existed): choose another title.
error-move-same-title = The new title is the same as the old one.
error-rollback-not-last = The last edit is no longer by { $author }: someone edited the page meanwhile. Reload the history.
error-rollback-only-author = Every revision of the page is by { $author }: there is nothing to go back to.
error-user-not-found = No account or temporary identity is named “{ $name }”.
error-bad-expiry = Duration or date not understood: “{ $input }”. Examples: 2h, 3d, 1w, 1mo, 1y, 2026-12-31, never.
notice-protected = The page's protection was updated.
notice-undeleted = The page was restored with its history.
notice-moved = The page was renamed; the old title redirects here.
notice-rolledback = The edits were rolled back.
tool-move = Move
tool-protect = Protect
tool-delete = Delete
tool-undelete = Undelete
history-text-hidden = (text hidden)
history-deleted = (deleted)
history-hide = hide
history-unhide = unhide
history-log-heading = Log of this page
history-page-deleted = This page is deleted: its revisions are visible to administrators only.
history-rollback = Roll back the last edits of { $author }
page-deleted-heading = This page was deleted
moderation-reason = Reason (public)
moderation-expiry = Duration
moderation-expiry-other = Other duration or date
moderation-expiry-other-hint = Optional, replaces the choice above: 2h, 3d, 1w, 1mo, 1y or a date 2026-12-31.
expiry-infini = indefinitely
expiry-2h = 2 hours
expiry-1j = 1 day
expiry-1sem = 1 week
expiry-1mois = 1 month
expiry-3mois = 3 months
expiry-1an = 1 year
protect-heading = Protect “{ $title }”
protect-help = A protected page can only be edited by the people chosen. The protection, its duration and its reason are shown on the page and in its history.
protect-level = Who may edit
protect-level-registered = Registered users only
protect-level-admin = Administrators only
protect-level-none = Everyone (lift the protection)
protect-submit = Save the protection
delete-heading = Delete “{ $title }”
delete-help = The page will disappear for readers and links to it will turn red. Nothing is destroyed: an administrator can restore it with its whole history.
delete-submit = Delete the page
undelete-heading = Undelete “{ $title }”
undelete-help = Every deleted revision comes back into the history; the newest becomes the current page again.
undelete-submit = Undelete the page
move-heading = Move “{ $title }”
move-help = The page keeps its whole history under its new title; the old title becomes a redirect.
move-new-title = New title
move-submit = Move the page
move-comment = Moved “{ $from }” to “{ $to }”
move-redirect-comment = Redirect to “{ $to }” after a move
hide-heading = Hide the text of a revision of “{ $title }”
hide-revision = Revision { $revision } of { $date } by { $author }.
hide-help = Hidden text is visible to administrators only; the history line stays.
hide-choice = Text of this revision
hide-choice-hide = Hide
hide-choice-show = Show again
hide-submit = Save
rollback-comment = Rolled back the edits of { $author } (back to revision { $revision } by { $previous })
log-heading = Log of actions
log-help = Protections, deletions, blocks, moves and rights changes: all of it is public.
log-filter-all = All
log-filter-protect = Protections
log-filter-delete = Deletions
log-filter-block = Blocks
log-filter-move = Moves
log-filter-rights = Rights
log-console = (console)
log-reason = { " " }— reason: { $reason }
log-protect = protected “{ $target }” ({ $who }, { $until })
log-unprotect = lifted the protection of “{ $target }”
log-delete = deleted “{ $target }”
log-undelete = { $count ->
    [one] restored “{ $target }” (1 revision)
   *[other] restored “{ $target }” ({ $count } revisions)
}
log-hide = hid the text of revision { $revision } of “{ $target }”
log-unhide = showed again the text of revision { $revision } of “{ $target }”
log-block = blocked { $target } ({ $until })
log-unblock = unblocked { $target }
log-move = moved “{ $target }” to “{ $to }”
log-rights = changed the rights of { $target } ({ $change })
block-heading = Block an account or a temporary identity
block-help = A blocked person can still read, but neither edit nor create pages. The block, its duration and its reason are public.
block-target = Name of the account or temporary identity
block-target-hint = For example Marie Dupont or ~2026-42.
block-submit = Block
block-current = { $name } is blocked ({ $until }). Reason: { $reason }.
block-lift = Lift the block
account-temporary-identity = Temporary identity: { $name }
footer-tools = Wiki tools

# Personal API access tokens (page /account/tokens)
tokens-heading = API access tokens
tokens-link = Access tokens
tokens-intro = A token lets a script or a bot use the JSON API on your behalf, without your password: it sends it in the “Authorization: Bearer …” header. Edits made with a token are signed with your name. Revoke a token as soon as you no longer need it.
tokens-none = You have no active token.
tokens-col-name = Name
tokens-col-scope = Rights
tokens-col-created = Created
tokens-col-last-used = Last used
tokens-col-actions = Actions
tokens-scope-read = Read only
tokens-scope-write = Read and write
tokens-never-used = Never
tokens-revoke = Revoke
tokens-create-heading = Create a token
tokens-name-label = Token name
tokens-name-hint = To recognise it in the list, for example “backup bot”.
tokens-write-label = Allow edits (read and write)
tokens-write-hint = Without this box, the token can only read: any edit made with it is refused.
tokens-create = Create the token
tokens-created = The token “{ $name }” is created. Copy it now: it will never be shown again.
tokens-created-usage = Example: curl -H "Authorization: Bearer <token>" { $url }
tokens-revoked = The token was revoked: it no longer gives access to anything.
tokens-not-found = This token does not exist or was already revoked.
tokens-name-empty = Give the token a name.
tokens-name-too-long = The token name is longer than 100 characters.
tokens-name-control = The token name contains a control character.
token-error-invalid = Access token refused: it is unknown, revoked or malformed. Send “Authorization: Bearer carnet_…” with a valid token, created from your account page.
token-error-read-only = This access token is read-only: it cannot be used to change the wiki.
error-form-content-type = The form must be sent as application/x-www-form-urlencoded.
error-bad-encoding = The request body contains text that is not valid UTF-8. Nothing was saved.
history-block = block

## Rate limits and events (limits.rs, events.rs)
limit-wait-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
limit-wait-minutes = { $count ->
    [one] one minute
   *[other] { $count } minutes
}
limit-signup = Too many accounts were created from this connection. Try again in { $wait }. At a workshop? The facilitator can open an event on Special:Events.
limit-login = Too many failed logins for this name or from this connection. For safety, logins are paused: try again in { $wait }.
limit-save = Too many edits in a short time: this one was not saved. Try again in { $wait }. At a workshop? The facilitator can open an event on Special:Events.
limit-create = Too many pages created in a short time: this one was not saved. Try again in { $wait }. At a workshop? The facilitator can open an event on Special:Events.
events-heading = Events
events-intro = During a workshop, many people write from one connection. An open event relaxes the per-address limits for the connections it covers; per-account limits stay the same.
events-open = Open now
events-open-none = No event is open.
events-upcoming = Upcoming
events-upcoming-none = No event is planned.
events-past = Past
events-past-none = No past event.
events-when = from { $start } to { $end }
events-ended-early = (ended on { $date })
events-range = addresses: { $range }
events-range-any = every address
events-by = opened by { $name }
events-end = End now
events-new = Open an event
events-name-label = Event name
events-start-label = Start
events-end-label = End
events-time-hint = Times in Coordinated Universal Time (UTC). An event lasts at most 7 days.
events-range-label = IP address range (optional)
events-range-hint = The venue's public address (203.0.113.9) or a network in CIDR notation (192.0.2.0/24, 2001:db8::/48). Empty: every address.
events-create = Open the event
events-who = Only facilitators (animateurs) and administrators can open an event.
events-notice-created = The event is recorded.
events-notice-ended = The event is over.
event-forbidden = Only facilitators (animateurs) and administrators can open or end an event. Log in with such an account.
event-not-found = This event does not exist or is already over.
event-error-name-empty = Give the event a name. Nothing was saved.
event-error-name-too-long = The event name is too long (100 characters at most). Nothing was saved.
event-error-name-control = The event name contains a character that is not allowed. Nothing was saved.
event-error-bad-start = The start is not a date and time (YYYY-MM-DDTHH:MM). Nothing was saved.
event-error-bad-end = The end is not a date and time (YYYY-MM-DDTHH:MM). Nothing was saved.
event-error-end-before-start = The end must come after the start. Nothing was saved.
event-error-end-in-past = The end is already past. Nothing was saved.
event-error-too-long = An event lasts at most 7 days. Nothing was saved.
event-error-bad-range = The address range is neither an IP address nor a CIDR network (for example 192.0.2.0/24). Nothing was saved.

## Recent changes and feeds
day-format = { $month } { $day }, { $year }
changes-heading = Recent changes
changes-help = The latest changes of the wiki, grouped by day, then by page. Times in UTC.
changes-namespace = Namespace
changes-all-namespaces = All
changes-articles = Articles
changes-period = Period
changes-any-period = From the start
changes-last-days = { $count ->
    [one] last day
   *[other] last { $count } days
}
changes-user = Contributor
changes-category = Category
changes-new-only = New pages only
changes-hide-minor = Hide minor edits
changes-filter = Filter
changes-feed = Atom feed of this list
changes-none = No changes for these filters.
changes-diff = diff
changes-history = history
changes-count = { $count ->
    [one] 1 change
   *[other] { $count } changes
}
changes-new-flag = N
changes-new-title = New page
changes-older = Older changes →
feed-changes-title = Recent changes — Carnet
feed-page-title = History of “{ $title }” — Carnet
feed-category-title = Changes in the category { $title } — Carnet
feed-no-summary = (no summary)
feed-entry = { $author }: { $summary } ({ $delta } bytes)
contributions-heading = Contributions of { $name }
new-pages-heading = New pages
stats-heading = Statistics
stats-help = The wiki in figures. Deleted pages do not count.
stats-articles = { $count ->
    [one] 1 article
   *[other] { $count } articles
}
stats-pages = { $count ->
    [one] 1 page in all (talk, categories, templates, portals included)
   *[other] { $count } pages in all (talk, categories, templates, portals included)
}
stats-revisions = { $count ->
    [one] 1 saved revision
   *[other] { $count } saved revisions
}
stats-accounts = { $count ->
    [one] 1 registered account
   *[other] { $count } registered accounts
}
stats-writers = { $count ->
    [one] 1 person wrote (accounts and temporary identities)
   *[other] { $count } people wrote (accounts and temporary identities)
}

## Watchlist
watch-add = Watch
watch-remove = Unwatch
notice-watched = The page is on your watchlist.
notice-unwatched = The page is no longer on your watchlist.
watchlist-heading = Watchlist
watchlist-since = Changes to watched pages since your last visit, on { $date }.
watchlist-first-visit = Changes to watched pages in the last 7 days.
watchlist-nothing-new = Nothing new on your watched pages.
watchlist-pages = Watched pages
watchlist-empty = You watch no page yet: use “Watch” at the top of a page.
watchlist-own-edits = Watch the pages I create or edit
watchlist-save-settings = Save
watchlist-settings-saved = Setting saved.
tab-talk = Talk
tab-subject = Page
## Live co-editing (issue 5)
live-checkpoint-comment = live with
live-merge-label-live = live text
live-merge-label-saved = saved version
## Category tree and pages by size (issue 6)
category-tree-heading = Category tree
category-tree-help = Every category with its subcategories; click an arrow to unfold or fold a branch.
category-tree-empty = No categories yet. Add [[Category:Name]] to a page's text to create one.
category-tree-branch-heading = Tree of the category { $category }
category-tree-branch-help = The subcategories of this category, several levels down.
category-tree-unknown = The category “{ $category }” has neither a page nor members.
category-tree-filed-in = Filed in:
category-tree-counts = { $pages ->
    [one] 1 page
   *[other] { $pages } pages
}, { $subcategories ->
    [0] no subcategories
    [one] 1 subcategory
   *[other] { $subcategories } subcategories
}
category-tree-deeper = unfold further…
category-tree-loops-back = (already higher on this branch: a loop)
category-tree-truncated = The tree is too big for one page: open a branch to see more.
category-tree-whole = See the whole tree
category-cycles-heading = Category loops
category-cycles-help = These categories are filed in one another in a loop. Nothing is refused, but the tree cannot place them: remove one of the category links to undo the loop.
category-cycle-notice = This category is part of a loop of categories:
special-long-heading = Longest pages
special-long-help = The articles with the longest text (redirects left out).
special-short-heading = Shortest pages
special-short-help = The articles with the shortest text: stubs to expand?
category-see-tree = See this category in the category tree
## New section on talk pages (issue 6)
tab-new-section = New section
new-section-heading = New section on { $title }
new-section-help = Your message is added at the end of the page, under the subject you choose, and signed with your name and the time automatically.
new-section-subject-label = Subject
new-section-text-label = Message
new-section-save = Post the section
new-section-comment = New section: { $subject }
notice-section-added = Your section was added.
error-section-subject-empty = Give your section a subject.
error-section-subject-too-long = The subject is too long (at most { $limit } characters); your text is kept below.
error-section-message-empty = Write a message under the subject.
## Search (issue 7)
search-heading = Search
search-label = Search the wiki
search-placeholder = Search…
search-go = Go
search-button = Search
search-help = Accents and plurals do not matter (“cheval” finds “chevaux”). In quotes, an exact phrase; a dash before a word excludes it (-pool).
search-results-title = Search: { $query }
search-none = No page contains “{ $query }”.
search-summary = { $total ->
    [one] One page found.
   *[other] { $total } pages found, { $first } to { $last } below.
}
search-create = Create the page “{ $title }”
search-pages = Result pages
search-previous = ← Previous results
search-next = Next results →
error-search-no-words = Give at least one word to look for (a word with a dash before it is excluded, which is not enough).
error-search-too-long = The search is too long (at most { $limit } characters).
error-search-too-many-terms = The search has too many terms (at most { $limit }).

## Wiki-workshop dashboard (dashboard.rs)
events-target-label = Workshop portal or category (optional)
events-target-hint = For example Portal:Heritage or Category:Parks of Lyon. It is shown on the dashboard.
event-error-bad-target = The target must be a portal page (Portal:…) or a category (Category:…). Nothing was saved.
event-heading = { $name }: dashboard
event-report-heading = { $name }: report
event-target = target:
event-status-upcoming = Upcoming: the figures start with the event.
event-status-open = Open now: the figures update by themselves.
event-status-past = Over: here is the event's report.
event-figure-participants = Participants
event-figure-pages-created = Pages created
event-figure-pages-edited = Pages edited
event-figure-edits = Edits
event-figure-bytes-added = Bytes added
event-figure-photos = Photos uploaded
event-photos-note = Photos: pictures (JPEG, PNG, WebP, GIF) uploaded during the event by its participants, new versions included.
event-latest = Latest edits
event-latest-none = No edit yet.
event-participants = Per participant
event-participants-none = Nobody has joined the event yet.
event-total = Total
event-joined-link = sign-up link
event-joined-editing = editing on site
event-csv = Download the report (CSV)
event-csv-participant = Participant
event-csv-joined = Came through
event-csv-edits = Edits
event-csv-pages-created = Pages created
event-csv-pages-edited = Pages edited
event-csv-bytes-added = Bytes added
event-reload-hint = Without JavaScript, reload the page to see the latest figures.
event-join-link = Sign-up link
event-join-link-help = Give this link to the participants: it creates an account in one step and counts them in the event. Only facilitators and administrators see it.
event-join-heading = Join “{ $name }”
event-join-dashboard = dashboard
event-join-intro = Choose a name and a password: your account is created, you are registered for the event and you can write right away.
event-join-as = Join as { $name }
event-join-other = Or create another account:
event-join-submit = Create my account and join
event-missing = This event does not exist.
event-bad-join-link = This sign-up link is not valid: it is incomplete or wrong. Ask the workshop's facilitator for the link.
event-over = This event is over: its sign-up link no longer works. You can still create an account with “Create an account”.

conflict-their-changes = What { $authors } changed (starting revision → saved revision)
conflict-my-changes = Your changes (starting revision → your version)
conflict-diff-link = See these changes on the differences page (new tab)
conflict-merged-label = Merged text: fix the passages between markers, then publish
conflict-save-hint = “Publish the merged text” saves the text box's content on top of the saved revision. Both full versions stay shown below.
conflict-save = Publish the merged text

stale-notice = This page changed since you opened it: { $count ->
    [one] one edit
   *[other] { $count } edits
} by { $authors }.
stale-summary = Summary: “{ $summary }”.
stale-hint = You can go on: when you publish, your changes will be merged with theirs; if they touch the same lines, a conflict screen will show both versions, losing nothing.
stale-diff = See what changed (new tab)
stale-view = See the page (new tab)
stale-gone = This page was deleted or renamed since you opened it. Your text is still in the text box: copy it before leaving.

## Portals (portals.rs)
rights-portal-curators = Only administrators and the animateurs appointed to this portal may curate it.
portal-error-not-a-portal = Only pages of the Portal namespace are curated this way.
portal-error-not-on-portal = That is not (or no longer) on the portal.
portal-error-full = The portal already has as many featured pages or sections as it may.
notice-curated = The portal was updated.
portal-notice-curated = Change saved; it shows in the portal's history.
portal-blocks-label = Portal contents
portal-today = Article of the day
portal-featured = Featured
portal-section-heading = { $category } ({ $order })
portal-section-more = Every page of the category { $category } →
portal-order-newest = newest
portal-order-recent = recently changed
portal-order-alpha = alphabetical
portal-activity = Recent activity of the portal
portal-activity-all = Every change of the portal
portal-curate-tab = Curate the portal
portal-curate-heading = Curate “{ $title }”
portal-curate-help = Pin featured pages (the article of the day is drawn among them each day, in their order) and add sections bound to a category. Every change is public and shows in the portal's history.
portal-animateurs = Animateurs of the portal: { $names }.
portal-animateurs-none = No animateur appointed to this portal: only administrators curate it.
portal-feature-target = Page to feature
portal-feature-target-hint = Its title, e.g. “Parc des Buttes”. A page already featured keeps its place: its blurb and picture are replaced.
portal-feature-blurb = Blurb (optional)
portal-feature-blurb-hint = A sentence or two, 300 characters at most.
portal-feature-picture = Picture (optional)
portal-feature-picture-hint = The title of a file, e.g. “File:Buttes.jpg”.
portal-feature-submit = Feature
portal-feature-up = Move “{ $title }” up
portal-feature-down = Move “{ $title }” down
portal-feature-remove = Unfeature “{ $title }”
portal-section-category = Category of the section
portal-section-category-hint = Its name, e.g. “Parcs”.
portal-section-order = Order
portal-section-size = Pages shown
portal-section-size-hint = From 1 to 50.
portal-section-submit = Add the section
portal-section-remove = Remove the section { $category } ({ $order })
portal-appoint-target = Appoint an animateur
portal-appoint-hint = An account's name: they will be able to curate this portal, and only this one.
portal-appoint-submit = Appoint
portal-dismiss = Dismiss { $name } as animateur
log-filter-portal = Portals
log-portal-feature = featured “{ $object }” on “{ $target }”
log-portal-update = changed the blurb of “{ $object }” on “{ $target }”
log-portal-unfeature = unfeatured “{ $object }” from “{ $target }”
log-portal-up = moved “{ $object }” up on “{ $target }”
log-portal-down = moved “{ $object }” down on “{ $target }”
log-portal-section = added the section { $object } ({ $order }) to “{ $target }”
log-portal-unsection = removed the section { $object } ({ $order }) from “{ $target }”
log-portal-appoint = appointed { $object } animateur of “{ $target }”
log-portal-dismiss = dismissed { $object } as animateur of “{ $target }”
portal-index-heading = Portals
portal-index-help = Every portal of the wiki, with the number of pages in its categories and featured pages, and its last activity.
portal-index-pages = { $count ->
    [one] { $count } page
   *[other] { $count } pages
}
portal-index-line = { $pages }, last activity { $date }
changes-portal = Portal
feed-portal-title = Changes of the portal { $title } — Carnet

## Ending a live session (locking the notes)
live-lock-heading = End the session and lock the notes
live-lock-help = Saves a last version with everything written, closes live editing for everyone and protects the page: only administrators will be able to change it. The action is shown in the public log.
live-lock-reason-label = Reason (optional, public)
live-lock-button = End and lock
live-lock-default-reason = Meeting notes locked at the end of the session
live-lock-summary = End of the session
notice-locked = The session has ended: a last version was saved and the page is locked.

## Media (issue 7): the log
log-filter-upload = Uploads
log-upload = uploaded “{ $target }”
log-upload-restore = restored version { $version } of “{ $target }”

## Media (issue 7): upload form, file pages, list, errors
upload-heading = Upload a file
upload-help = Pictures (JPEG, PNG, WebP, GIF), PDF documents and sounds (MP3, OGG). The type is recognised from the file's content, not from its name.
upload-help-limits = Largest size: { $size }. SVG files and files holding HTML or script are refused.
upload-new-version-of = New version of the file
upload-target = Name of the file on the wiki
upload-target-hint = Left empty, the sent file's name is used. It must end with its type's extension (.jpg, .png…).
upload-description = Description
upload-author = Author
upload-source = Source
upload-source-hint = “Own work”, or the address where the file was found.
upload-licence = Licence
upload-comment = Summary
upload-file = File
upload-submit = Upload
upload-error-no-file = No file was sent: choose a file.
upload-error-no-name = Give the file a name.
upload-error-extension = The name does not match the content: this file must have the .{ $extension } extension.
licence-cc-by-sa-4-0 = Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)
licence-cc-by-4-0 = Creative Commons Attribution 4.0 (CC BY 4.0)
licence-cc0-1-0 = Creative Commons Zero 1.0 (CC0, public domain dedication)
licence-public-domain = Public domain
file-default-description = Uploaded file.
file-panel-label = File
file-original = Original file
file-upload-new-version = Upload a new version
file-kind = Type
file-dimensions-label = Dimensions
file-dimensions = { $width } × { $height } pixels
file-size = Size
file-author = Author
file-source = Source
file-licence = Licence
file-unknown = not given
file-history-heading = File history
file-history-date = Date
file-history-picture = Preview
file-history-uploader = Uploaded by
file-history-comment = Summary
file-history-current = current
file-history-restore = restore
file-restore-comment = Version { $version } restored
file-users-heading = Pages that use this file
file-users-none = No page uses this file.
file-missing-upload = Upload this file
file-error-not-found = This file does not exist.
file-error-version-not-found = Version { $version } of this file does not exist.
files-heading = Files
files-name = Name
files-none = No file has been uploaded yet.
files-upload-link = Upload a file
notice-uploaded = The file was uploaded. Thank you!
notice-uploaded-version = The new version of the file was uploaded.
notice-file-restored = The old version of the file is the current one again.
size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
size-kib = { $size } KiB
size-mib = { $size } MiB
media-error-empty = The file is empty.
media-error-too-large = The file is too big: { $limit } at most.
media-error-unknown-type = This file's content is not of an accepted type (JPEG, PNG, WebP, GIF, PDF, MP3, OGG), whatever its name.
media-error-svg = SVG files (and other XML or HTML documents) are not accepted: export the drawing as PNG.
media-error-script = The file holds HTML or script: it is refused.
media-error-trailing-data = The file holds data after its end: it is refused.
media-error-truncated = The file is incomplete (truncated): send it again.
media-error-corrupt = The file is damaged and cannot be read.
media-error-too-many-pixels = The picture is { $width } × { $height } pixels: more than allowed.
media-error-decode-limit = The picture would need too much memory to read.
media-error-unsupported = This variant of the format is not supported: save the picture in a common form.
media-error-not-image = This file is not a picture.
stats-files = { $count ->
    [one] { $count } file
   *[other] { $count } files
}
stats-file-bytes = Files stored: { $size }
upload-error-octet-stream = The request body must be the file itself (Content-Type: application/octet-stream).

## Static HTML export (carnet export html)
export-home = Main page
export-all-pages = All pages
export-nav-label = Navigation of the copy
export-note = Static copy of { $site } exported on { $date }. Red links lead to pages that did not exist.
export-redirect = This page redirects to
export-page-gone = This page was deleted during the export.
export-page-count = { $count ->
    [one] { $count } page
   *[other] { $count } pages
}
export-previous = ← Previous pages
export-next = Next pages →
export-ns-main = Articles
export-ns-talk = Talk pages
export-ns-user = User pages
export-ns-file = Files
export-ns-template = Templates
export-ns-category = Categories
export-ns-portal = Portals
footer-api = API
api-heading = JSON API
api-intro = This page describes Carnet's JSON API, for developers of scripts and bots. Like the OpenAPI document, it is generated from the code; the descriptions are in English, the language of that document.
api-document-link = OpenAPI { $version } document (JSON)
api-auth-heading = Authentication
api-auth-text = Reading needs no authentication. To write as your account from a script, make a personal token (read-only or read-write) on your account's page and send it in the "Authorization: Bearer …" header.
api-contents = Contents
api-parameters = Parameters
api-request-body = Request body
api-responses = Responses
api-example = Example
api-schemas = Schemas
api-col-name = Name
api-col-in = In
api-col-type = Type
api-col-required = Required
api-col-description = Description
api-col-status = Status
api-col-body = Body
api-col-property = Property
api-yes = yes
api-no = no

# Issue 9: the confirmation an anonymous reader reaches from a file's history.
file-restore-confirm-heading = Restore this version of { $title }?
