// Carnet: the wiki-journée dashboard keeps itself up to date while the event runs.
// The server streams the figures as an HTML fragment (server-sent events, rendered and
// escaped by the server in the reader's language); this script only swaps it in.
// Without JavaScript the page is complete and can be reloaded.
const live = document.querySelector('[data-event-stream]');
if (live && 'EventSource' in window) {
    const source = new EventSource(live.dataset.eventStream);
    source.addEventListener('figures', (message) => {
        live.replaceChildren(document.createRange().createContextualFragment(message.data));
        live.dataset.updates = String(Number(live.dataset.updates || '0') + 1);
    });
    // The event is over: the page is now its report.
    source.addEventListener('end', () => {
        source.close();
        live.removeAttribute('aria-live');
    });
}
