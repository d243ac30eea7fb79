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
edit-author-label = Your name or nickname, shown in the history
edit-author-hint = Optional. Your IP address is never shown.
edit-save = Publish
edit-preview = Preview
edit-cancel = Cancel
edit-preview-heading = Preview — this text is not saved yet
edit-old-revision-warning = You are starting from an old revision of this page. When you publish, this text becomes the current revision.
edit-license = By publishing, you agree to release your text under the CC BY-SA 4.0 licence.

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
account-name-reserved = names starting with ~ are kept for temporary identities.
account-password-too-short = The password must be at least 8 characters long.
account-password-too-long = The password is too long.
account-password-same-as-name = The password cannot be your name.
account-login-required = Log in to see this page.
edit-writing-as = You are writing as { $name }.

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
