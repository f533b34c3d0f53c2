/**
 * Reference tables the data generator draws from: names (with the accents, apostrophes and
 * compound forms real European files carry), countries with their languages, cities and phone
 * formats, jobs, products, pages, rewards and past emailings.
 */

export type Culture = 'fr' | 'nl' | 'de' | 'it' | 'es' | 'en' | 'pt';

export interface NamePool {
  female: readonly string[];
  male: readonly string[];
  last: readonly string[];
}

export const NAMES: Record<Culture, NamePool> = {
  fr: {
    female: [
      'Élodie',
      'Zoë',
      'Chloé',
      'Léa',
      'Anaïs',
      'Héloïse',
      'Maëlle',
      'Inès',
      'Camille',
      'Manon',
      'Céline',
      'Sophie',
      'Émilie',
      'Noémie',
      'Marie-Hélène',
      'Hélène',
      'Aurélie',
      'Julie',
      'Clémence',
      'Thaïs',
      'Gaëlle',
      'Mélanie',
      'Françoise',
      'Nathalie',
      'Océane',
      'Laëtitia',
      'Agnès',
      'Bérénice',
      'Joséphine',
      'Anne-Sophie',
      'Valérie',
      'Sandrine',
      'Zoé',
      'Louise'
    ],
    male: [
      'François',
      'Jérôme',
      'Stéphane',
      'Benoît',
      'Cédric',
      'Frédéric',
      'Loïc',
      'Gaëtan',
      'Raphaël',
      'Noël',
      'Jean-Luc',
      'Jean-Pierre',
      'Hervé',
      'Thierry',
      'Mathéo',
      'Théo',
      'Lucas',
      'Hugo',
      'Nicolas',
      'Julien',
      'Sébastien',
      'Rémi',
      'Grégoire',
      'Aurélien',
      'Maël',
      'Joël',
      'Anthony',
      'Olivier',
      'Léon',
      'Gérard',
      'André',
      'Mickaël'
    ],
    last: [
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Richard',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Simon',
      'Laurent',
      'Lefèvre',
      'Michel',
      'Garcia',
      'Fontaine',
      'Rousseau',
      'Gauthier',
      'Chevalier',
      'Lemaître',
      'Bélanger',
      'Gagné',
      'Côté',
      'Pelletier',
      'Mercier',
      "d'Artois",
      'de La Fontaine',
      'Besançon',
      'Lefébure',
      'Benoît',
      'Noël',
      'Perrin',
      'Brûlé',
      'Vidal',
      'Faure',
      'André',
      'Lambert',
      'Girard',
      'Bonnet',
      'Dupré'
    ]
  },
  nl: {
    female: ['Sofie', 'Lotte', 'Anouk', 'Fien', 'Ellen', 'Marieke', 'Saskia', 'Eline', 'Noor'],
    male: ['Pieter', 'Jan', 'Wouter', 'Bram', 'Joris', 'Stijn', 'Koen', 'Dirk', 'Sander'],
    last: [
      'Peeters',
      'Janssens',
      'Maes',
      'Jacobs',
      'Mertens',
      'Willems',
      'De Smet',
      'Van den Berg',
      'Van der Meer',
      'Claes',
      'Goossens',
      'Wouters',
      'De Vries',
      'Vermeulen',
      'Dewaële'
    ]
  },
  de: {
    female: ['Anna', 'Lena', 'Katrin', 'Sabine', 'Mia', 'Käthe', 'Ursula', 'Jördis'],
    male: ['Jürgen', 'Lukas', 'Jonas', 'Matthias', 'Stefan', 'Björn', 'Uwe', 'Tobias', 'Günther'],
    last: [
      'Müller',
      'Meier',
      'Schmid',
      'Keller',
      'Weber',
      'Huber',
      'Schneider',
      'Fischer',
      'Brunner',
      'Gerber',
      'Baumann',
      'Frey',
      'Schäfer',
      'Köhler',
      'Größer',
      'Zürcher'
    ]
  },
  it: {
    female: ['Giulia', 'Chiara', 'Francesca', 'Alessia', 'Martina'],
    male: ['Luca', 'Marco', 'Nicolò', 'Matteo', 'Lorenzo', 'Niccolò', 'Andrea'],
    last: [
      'Rossi',
      'Russo',
      'Ferrari',
      'Esposito',
      'Bianchi',
      'Romano',
      'Colombo',
      "D'Amico",
      'De Luca',
      'Fabbri',
      'Galli',
      'Caruso'
    ]
  },
  es: {
    female: ['María', 'Lucía', 'Sofía', 'Inés', 'Begoña', 'Ainhoa', 'Rocío'],
    male: ['José', 'Álvaro', 'Joaquín', 'Iñaki', 'Andrés', 'Jesús', 'Ramón'],
    last: [
      'Nuñez',
      'García',
      'Pérez',
      'Fernández',
      'López',
      'Martínez',
      'Sánchez',
      'Gómez',
      'Jiménez',
      'Muñoz',
      'Ibáñez',
      'Peña'
    ]
  },
  en: {
    female: ['Emma', 'Olivia', 'Charlotte', 'Amelia', 'Grace', 'Chloe', 'Sarah'],
    male: ['James', 'Oliver', 'Harry', 'George', 'William', 'Jack', 'Liam'],
    last: [
      'Smith',
      'Jones',
      'Taylor',
      'Brown',
      'Wilson',
      "O'Brien",
      'Evans',
      'Walker',
      'Wright',
      'Tremblay',
      'Roy',
      'MacDonald'
    ]
  },
  pt: {
    female: ['Conceição', 'Ana', 'Beatriz', 'Inês', 'Joana', 'Mariana'],
    male: ['João', 'Gonçalo', 'Tiago', 'Rui', 'Sérgio', 'Luís'],
    last: ['Gonçalves', 'Silva', 'Santos', 'Ferreira', 'Pereira', 'Simões', 'Magalhães', 'Araújo']
  }
};

export interface City {
  name: string;
  zip: string;
}

export interface Country {
  code: string;
  /** [language, weight]: the languages participants of this country use. */
  languages: readonly (readonly [Culture, number])[];
  cities: readonly City[];
  /** Phone template: `#` is a random digit. */
  phone: readonly string[];
  weight: number;
}

export const COUNTRIES: readonly Country[] = [
  {
    code: 'FR',
    weight: 44,
    languages: [['fr', 1]],
    cities: [
      { name: 'Paris', zip: '75011' },
      { name: 'Lyon', zip: '69003' },
      { name: 'Marseille', zip: '13008' },
      { name: 'Toulouse', zip: '31000' },
      { name: 'Nantes', zip: '44000' },
      { name: 'Lille', zip: '59000' },
      { name: 'Besançon', zip: '25000' },
      { name: 'Saint-Étienne', zip: '42000' },
      { name: 'Nîmes', zip: '30000' },
      { name: 'Orléans', zip: '45000' },
      { name: 'Aix-en-Provence', zip: '13100' },
      { name: 'Bourg-en-Bresse', zip: '01000' }
    ],
    phone: ['+33 6 ## ## ## ##', '+33 7 ## ## ## ##', '06########', '01 ## ## ## ##']
  },
  {
    code: 'BE',
    weight: 20,
    languages: [
      ['fr', 55],
      ['nl', 42],
      ['de', 3]
    ],
    cities: [
      { name: 'Bruxelles', zip: '1000' },
      { name: 'Liège', zip: '4000' },
      { name: 'Namur', zip: '5000' },
      { name: 'Charleroi', zip: '6000' },
      { name: 'Antwerpen', zip: '2000' },
      { name: 'Gent', zip: '9000' },
      { name: 'Leuven', zip: '3000' },
      { name: 'Mons', zip: '7000' },
      { name: 'Eupen', zip: '4700' }
    ],
    phone: ['+32 47# ## ## ##', '+32 49# ## ## ##', '04## ## ## ##']
  },
  {
    code: 'CH',
    weight: 12,
    languages: [
      ['de', 55],
      ['fr', 35],
      ['it', 10]
    ],
    cities: [
      { name: 'Genève', zip: '1201' },
      { name: 'Lausanne', zip: '1003' },
      { name: 'Zürich', zip: '8001' },
      { name: 'Bern', zip: '3011' },
      { name: 'Neuchâtel', zip: '2000' },
      { name: 'Fribourg', zip: '1700' },
      { name: 'Lugano', zip: '6900' },
      { name: 'Biel/Bienne', zip: '2502' }
    ],
    phone: ['+41 79 ### ## ##', '+41 78 ### ## ##', '076 ### ## ##']
  },
  {
    code: 'LU',
    weight: 3,
    languages: [
      ['fr', 50],
      ['de', 35],
      ['pt', 15]
    ],
    cities: [
      { name: 'Luxembourg', zip: 'L-1111' },
      { name: 'Esch-sur-Alzette', zip: 'L-4001' },
      { name: 'Differdange', zip: 'L-4501' }
    ],
    phone: ['+352 621 ### ###', '+352 691 ### ###']
  },
  {
    code: 'CA',
    weight: 4,
    languages: [
      ['fr', 70],
      ['en', 30]
    ],
    cities: [
      { name: 'Montréal', zip: 'H2X 1Y4' },
      { name: 'Québec', zip: 'G1R 4P5' },
      { name: 'Trois-Rivières', zip: 'G9A 5H7' },
      { name: 'Ottawa', zip: 'K1P 1J1' }
    ],
    phone: ['+1 514 ### ####', '+1 418 ### ####']
  },
  {
    code: 'DE',
    weight: 4,
    languages: [['de', 1]],
    cities: [
      { name: 'Köln', zip: '50667' },
      { name: 'München', zip: '80331' },
      { name: 'Düsseldorf', zip: '40213' },
      { name: 'Saarbrücken', zip: '66111' }
    ],
    phone: ['+49 151 #######', '+49 170 #######']
  },
  {
    code: 'ES',
    weight: 3,
    languages: [['es', 1]],
    cities: [
      { name: 'Madrid', zip: '28013' },
      { name: 'Barcelona', zip: '08002' },
      { name: 'Málaga', zip: '29015' },
      { name: 'A Coruña', zip: '15001' }
    ],
    phone: ['+34 6## ### ###']
  },
  {
    code: 'IT',
    weight: 3,
    languages: [['it', 1]],
    cities: [
      { name: 'Milano', zip: '20121' },
      { name: 'Torino', zip: '10121' },
      { name: 'Roma', zip: '00184' },
      { name: 'Forlì', zip: '47121' }
    ],
    phone: ['+39 3## ### ####']
  },
  {
    code: 'NL',
    weight: 3,
    languages: [['nl', 1]],
    cities: [
      { name: 'Amsterdam', zip: '1012 AB' },
      { name: 'Rotterdam', zip: '3011 AA' },
      { name: 'Maastricht', zip: '6211 CE' }
    ],
    phone: ['+31 6 ########']
  },
  {
    code: 'PT',
    weight: 2,
    languages: [['pt', 1]],
    cities: [
      { name: 'Lisboa', zip: '1100-148' },
      { name: 'Porto', zip: '4000-322' }
    ],
    phone: ['+351 91# ### ###']
  },
  {
    code: 'GB',
    weight: 1.5,
    languages: [['en', 1]],
    cities: [
      { name: 'London', zip: 'SW1A 1AA' },
      { name: 'Manchester', zip: 'M1 1AE' }
    ],
    phone: ['+44 7### ######']
  },
  {
    code: 'US',
    weight: 0.5,
    languages: [['en', 1]],
    cities: [
      { name: 'New York', zip: '10001' },
      { name: 'Boston', zip: '02108' }
    ],
    phone: ['+1 212 ### ####']
  }
];

/**
 * Mail domains. Deliberately fictional or reserved (example.*) so that a generated base sent
 * through a real SMTP relay by mistake reaches no one; they still carry the national TLDs the
 * `.fr|.org` style conditions need.
 */
export const DOMAINS_BY_COUNTRY: Record<string, readonly string[]> = {
  FR: ['courriel-exemple.fr', 'boite-exemple.fr', 'messagerie-demo.fr', 'mail-exemple.fr'],
  BE: ['voorbeeld-mail.be', 'courriel-demo.be', 'exemple-net.be'],
  CH: ['beispiel-mail.ch', 'courriel-demo.ch'],
  LU: ['exemple-post.lu'],
  CA: ['courriel-demo.ca'],
  DE: ['beispiel-post.de'],
  ES: ['correo-ejemplo.es'],
  IT: ['posta-esempio.it'],
  NL: ['voorbeeld-post.nl'],
  PT: ['correio-exemplo.pt']
};
export const GLOBAL_DOMAINS: readonly string[] = [
  'example.com',
  'mail.example.com',
  'example.org',
  'example.net',
  'web.example.net',
  'asso.example.org'
];

export const JOBS: readonly string[] = [
  'Infirmière',
  'Ingénieur',
  'Enseignant',
  'Comptable',
  'Étudiant',
  'Retraité',
  'Boulanger',
  'Développeur',
  'Chef de projet',
  'Pharmacienne',
  'Architecte',
  'Employé de banque',
  'Commercial, export',
  'Responsable RH',
  'Graphiste',
  'Agriculteur',
  'Kinésithérapeute',
  'Sans emploi',
  'Gérant de PME',
  'Assistante de direction',
  'Avocat',
  'Médecin',
  'Électricien',
  'Chauffeur "poids lourd"'
];

export const PRODUCTS: readonly string[] = [
  'Crème visage',
  'Sérum éclat',
  'Parfum Été',
  'Café moulu',
  'Thé vert',
  'Chocolat noir 70%',
  'Vélo électrique',
  'Casque audio',
  'Montre connectée',
  'Sac à dos',
  'Baskets running',
  'Coffret découverte'
];

export const REWARDS: readonly string[] = [
  'bon-achat-10',
  'bon-achat-50',
  'coffret-cadeau',
  'week-end-spa',
  'places-concert',
  'abonnement-1-an'
];

export const PAGES: readonly string[] = ['/home', '/rules', '/prize', '/faq', '/contact', '/shop'];

/** Past emailings: id and send time (epoch ms, UTC). */
export interface PastEmailing {
  id: string;
  sentAt: number;
  /** Share of the opted-in base it was sent to. */
  reach: number;
}

export const EMAILINGS: readonly PastEmailing[] = [
  { id: 'welcome-2025-06', sentAt: Date.UTC(2025, 5, 12, 9, 0), reach: 0.18 },
  { id: 'newsletter-2025-09', sentAt: Date.UTC(2025, 8, 16, 8, 30), reach: 0.22 },
  { id: 'promo-black-friday-2025', sentAt: Date.UTC(2025, 10, 27, 7, 0), reach: 0.27 },
  { id: 'newsletter-2026-01', sentAt: Date.UTC(2026, 0, 20, 8, 30), reach: 0.22 },
  { id: 'newsletter-2026-04', sentAt: Date.UTC(2026, 3, 14, 8, 30), reach: 0.22 },
  { id: 'summer-contest-2026-07', sentAt: Date.UTC(2026, 6, 2, 10, 0), reach: 0.27 },
  { id: 'newsletter-2026-09', sentAt: Date.UTC(2026, 8, 15, 8, 30), reach: 0.27 },
  { id: 'newsletter-2026-11', sentAt: Date.UTC(2026, 10, 3, 8, 30), reach: 0.27 }
];
