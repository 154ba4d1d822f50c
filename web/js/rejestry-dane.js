// The public registers as the pages name them: each register's title and the states of its entries.
export const REGISTERS = {
  "zezwolenia-alkoholowe": { label: "Zezwolenia na sprzedaż napojów alkoholowych",
    statuses: { aktywne: "aktywne", wygasle: "wygasłe", cofniete: "cofnięte" } },
  "zajecie-pasa-drogowego": { label: "Zezwolenia na zajęcie pasa drogowego",
    statuses: { aktywne: "aktywne", wygasle: "wygasłe", cofniete: "cofnięte" } },
  "ewidencja-zabytkow": { label: "Gminna ewidencja zabytków",
    statuses: { "w-ewidencji": "w ewidencji", wykreslony: "wykreślony z ewidencji" } },
};
