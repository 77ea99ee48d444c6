"""The analyser's words, in English, German, French, Spanish and Italian.

Write entries as a guest would, with accents and umlauts ("frühstück", "habitación"):
they are folded like the guest's text (bot/insights/text.py; German entries are also
added without umlauts, "fruhstuck"), then reduced by the language's light stemmer
(bot/insights/index.py: "sauberen" = "saubere" = "sauber", "limpias" = "limpio"), so one
form of a word is enough. Entries are separated by commas; an entry of several words
("front desk", "petit déjeuner", "no estaba") matches those words in a row.

- TOPIC_WORDS: words that name a topic ("eggs" -> breakfast). No feeling of their own.
- TOPIC_FEELING: words that name a topic *and* a feeling ("dirty" -> cleanliness, -2;
  "quiet" -> noise, +1; "rude" -> staff, -2; "overpriced" -> value, -2).
- FEELING: general feeling words with a weight (+2 strong, +1, -1, -2; fractions for
  hedges like "ok"). They go to the topic nearest them in their clause.
- COMPOUND_STEMS (German only): topic stems matched *inside* a word the lexicon does not
  know ("Frühstücksbuffet", "Zimmerservice", "Straßenlärm"); longest stem first.
- NEGATORS flip the next feeling word within four words ("not clean", "nicht sauber",
  "n'était pas propre", "no estaba limpia", "non era pulita"); before a topic word with no
  feeling ("no parking", "kein WLAN", "pas de wifi", "sin toallas") they mark it missing:
  negative. In German (NEGATION_LOOKS_BACK) a negator that ends its clause negates the
  word before it ("das WLAN ging nicht").
- INTENSIFIERS multiply the next feeling word by 1.5; TOO ("too soft", "zu laut", "trop
  cher") makes the next feeling word negative; TOO_ALONE are those that mean "too much"
  on their own at the end of a clause ("30 euro al giorno, troppo"); INTENSIFIER_ALONE those
  that are praise there ("Frühstück mega").
- SKIP: phrases matched and ignored because they place a topic rather than judge it
  ("wifi in the room", "on arrival", "reception", "un peu").
- CONTRAST words ("but", "aber", "mais", "pero", "ma") start a new clause with its own
  polarity.

To add a word: put it in the right list of its language and run
`.venv/bin/python scripts/eval_insights.py` (dev figures) and the unit tests.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it")

# --- topics -------------------------------------------------------------------------------

TOPIC_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "room": "room, bedroom, suite, accommodation, balcony, view, views, window, air "
        "conditioning, air con, aircon, ac, a/c, heating, heater, minibar, "
        "fridge, tv, television, wardrobe, closet, furniture, decor, kettle, "
        "carpet, curtains, ceiling, sea view, blackout curtains",
        "cleanliness": "cleanliness, cleaning, hygiene, cleaned, hair, hairs",
        "staff": "staff, employee, employees, receptionist, receptionists, front desk "
        "staff, concierge, manager, waiter, waitress, waiters, host, hosts, "
        "owner, owners, team, personnel, service, maid, maids, bartender, "
        "porter, doorman, hostess, crew, people, cleaner, cleaners, cleaning "
        "lady, maintenance, technician, housekeeping staff, housekeeping, room "
        "service",
        "breakfast": "breakfast, buffet, food, meal, dinner, lunch, restaurant, egg, eggs, "
        "coffee, tea, bread, croissant, juice, fruit, bacon, sausage, pastries, "
        "pastry, cereal, omelette, omelet, menu, dish, dishes, cuisine, dining, "
        "drinks, wine, cheese, pancakes, toast, yogurt, yoghurt, brunch, "
        "snacks, chef, cocktails, cocktail, pizza, dessert, bar, bars, minibar "
        "drinks, breakfast room, dining room, breakfast area",
        "location": "location, located, situated, position, area, neighbourhood, "
        "neighborhood, district, surroundings, city centre, city center, "
        "centre, center, downtown, beach, sea, metro, subway, tube, station, "
        "bus stop, transport, public transport, walking distance, close to, "
        "near, nearby, shops, restaurants nearby, sights, attractions, tram "
        "stop, airport, bus, lots of restaurants, restaurants nearby, "
        "restaurants around, shops and restaurants, bars and restaurants, old town, old "
        "city, old quarter, historic centre, historic center, spot, setting, riverside, "
        "seafront, waterfront, promenade, harbour, harbor, marina",
        "noise": "soundproofing, soundproof, insulation, traffic, street, music, party, "
        "construction, snoring, sound, sounds, neighbours, neighbors, trams, "
        "walls, wall",
        "value": "price, prices, value, money, cost, costs, rate, rates, charge, "
        "charged, fee, fees, value for money, paid, pay, penny, euro, euros, "
        "eur, €, $, £, dollars, pounds, chf, francs",
        "wifi": "wifi, wi fi, internet, connection, signal, network, wireless, router",
        "checkin": "check in, checkin, check out, checkout, checking in, checking out, "
        "arrival, departure, queue, waiting, wait, key card, keycard, key, "
        "keys, registration, late checkout, early check in, bill, invoice, our booking, our "
        "reservation",
        "bathroom": "bathroom, bath, shower, showers, toilet, toilets, wc, sink, bathtub, "
        "tub, towel, towels, water pressure, hot water, hairdryer, hair dryer, "
        "toiletries, shampoo, soap, drain, en suite, ensuite, washbasin, "
        "plumbing, tap, taps, flush, cistern, robe, robes, bathrobe, bathrobes, slippers, "
        "toilet paper, loo, loo roll, bath mat, shower curtain, shower head, showerhead, "
        "toilet roll, toothbrush, toothpaste, dental kit, shower gel, conditioner, body "
        "lotion, for clean towels, for fresh towels, for new towels, for more towels, "
        "for clean sheets",
        "bed": "bed, beds, mattress, mattresses, pillow, pillows, sheets, linen, bedding, duvet, "
        "blanket, blankets, bedsheets",
        "facilities": "pool, swimming pool, spa, gym, fitness, sauna, lift, lifts, elevator, "
        "elevators, lobby, terrace, garden, rooftop, jacuzzi, hot tub, "
        "facilities, amenities, steam room, lounge, kids club, playground, "
        "laundry, shuttle, stairs, pool area, spa area, wellness area, games room, business centre, "
        "business center",
        "parking": "parking, car park, carpark, garage, parking space, parking lot, valet, "
        "park the car, parking spot, street parking",
    },
    "de": {
        "room": "zimmer, raum, suite, balkon, aussicht, ausblick, blick, fenster, "
        "klimaanlage, klima, heizung, minibar, kühlschrank, fernseher, tv, "
        "schrank, einrichtung, möbel, unterkunft, teppich, vorhänge, "
        "fernbedienung, wasserkocher, safe, tresor, schreibtisch, sessel, sofa, couch, stuhl, stühle, "
        "lampe, steckdose, steckdosen, kleiderschrank, rollladen, rollläden, rolladen, jalousie, jalousien, "
        "verdunkelung, gardinen, ventilator, fensterbrett, zimmerli, "
        "nachttisch, nachttischlampe, nachtkästchen, nachtkasten, kommode, kleiderbügel, bügel, "
        "telefon",
        "cleanliness": "sauberkeit, reinigung, hygiene, putzen, geputzt, gereinigt, haare",
        "staff": "zimmerservice, personal, mitarbeiter, mitarbeiterin, mitarbeiterinnen, "
        "angestellte, rezeptionist, rezeptionistin, service, bedienung, "
        "kellner, kellnerin, chef, chefin, team, gastgeber, gastgeberin, "
        "besitzer, inhaber, wirt, wirtin, concierge, zimmermädchen, "
        "servicekräfte, leute, mannschaft, "
        "barkeeper, barkeeperin, barmann, servicepersonal, servicekraft, housekeeping, reinigungskraft, "
        "reinigungspersonal, putzfrau, portier, nachtportier, hotelier, direktor, direktorin, "
        "hoteldirektor, manager, managerin, empfangsdame, koch, köchin, crew, belegschaft, hotelteam, "
        "rezeptionisten, zimmerfrau, "
        "handwerker, techniker, hausmeister",
        "breakfast": "frühstück, buffet, büffet, essen, speisen, mahlzeit, abendessen, "
        "mittagessen, restaurant, eier, ei, kaffee, tee, brot, brötchen, "
        "semmel, croissant, saft, obst, speck, würstchen, müsli, küche, "
        "gericht, gerichte, speisekarte, menü, wein, käse, joghurt, "
        "halbpension, getränke, kuchen, bar, cocktails, cocktail, zmorge, "
        "zmorgen, frühstücksraum, "
        "espresso, cappuccino, latte macchiato, milchkaffee, kipferl, gipfeli, weggli, weckerl, semmeln, "
        "brezel, brezn, aufschnitt, wurst, schinken, lachs, rührei, spiegelei, frühstücksei, müesli, "
        "birchermüesli, kaiserschmarrn, schnitzel, knödel, strudel, apfelstrudel, torte, gebäck, aufstrich, "
        "marmelade, honig, butter, orangensaft, bier, weißbier, prosecco, sekt, drinks, abendbuffet, "
        "dessert, nachspeise, vorspeise, hauptgang, portion, portionen, gegessen, frühstücken, "
        "gefrühstückt, zmittag, znacht",
        "location": "lage, gelegen, umgebung, gegend, viertel, innenstadt, zentrum, "
        "stadtmitte, strand, meer, bahnhof, u bahn, s bahn, bushaltestelle, "
        "haltestelle, öffentliche verkehrsmittel, nähe, erreichbar, fußläufig, "
        "zu fuß, entfernt, entfernung, altstadt, see, tram, tramhaltestelle, "
        "flughafen, "
        "skigebiet, piste, pisten, skipiste, gondel, bergbahn, seilbahn, talstation, loipe, promenade, "
        "strandpromenade, hafen, sehenswürdigkeiten, geschäfte, einkaufsmöglichkeiten, supermarkt, bus, "
        "busse, anbindung, "
        "skibus, shuttle, shuttlebus",
        "noise": "verkehr, musik, straße, schallschutz, lärmschutz, schnarchen, "
        "geräuschkulisse, nachbarn, wände, wand, "
        "nebenan, nachtruhe, geräuschpegel, lautstärke",
        "value": "preis, preise, preis leistung, preisleistung, preis leistungs "
        "verhältnis, kosten, kostet, geld, gebühr, gebühren, aufpreis, bezahlt, "
        "zahlen, euro, eur, €, franken, chf, fr, "
        "zuschlag, zusatzkosten, extrakosten, kurtaxe, ortstaxe, city tax, extra bezahlen, extra zahlen, "
        "kostet extra, extra berechnet, zusätzlich berechnet",
        "wifi": "wlan, wifi, wi fi, internet, verbindung, netz, internetverbindung",
        "checkin": "check in, checkin, check out, checkout, einchecken, auschecken, "
        "eincheckzeit, anreise, abreise, ankunft, schlange, warteschlange, "
        "wartezeit, warten, gewartet, schlüssel, schlüsselkarte, zimmerkarte, "
        "rechnung, "
        "buchung, reservierung, late check out, late checkout, spät auschecken, später auschecken, früh "
        "einchecken, früher einchecken, early check in, zimmerschlüssel, schlüsselübergabe, anmeldung, "
        "kaution",
        "bathroom": "bad, badezimmer, dusche, duschen, toilette, toiletten, wc, klo, "
        "waschbecken, badewanne, handtuch, handtücher, wasserdruck, warmwasser, "
        "warmes wasser, warmes wasser, föhn, fön, haartrockner, duschgel, "
        "seife, abfluss, duschkopf, spülung, toilettenspülung, "
        "klospülung, spülkasten, wasserhahn, armatur, armaturen, duschvorhang, duschwand, duschtasse, "
        "fliesen, kacheln, spiegel, bademantel, bademäntel, badetuch, badetücher, duschtuch, "
        "toilettenpapier, klopapier, shampoo, pflegeprodukte, kosmetikartikel, druck, wasserstrahl, "
        "regendusche",
        "bed": "bett, betten, matratze, matratzen, kissen, kopfkissen, bettwäsche, bettdecke, "
        "laken, bettlaken, leintuch, leintücher, spannbetttuch, duvet, daunendecke, federbett, zudecke, "
        "kissenbezug, bettbezug, lattenrost, boxspring, boxspringbett, doppelbett, einzelbett, zustellbett, "
        "kinderbett, babybett, schlafsofa, schlafcouch",
        "facilities": "pool, schwimmbad, hallenbad, freibad, spa, wellness, wellnessbereich, "
        "fitness, fitnessraum, fitnessstudio, sauna, aufzug, lift, fahrstuhl, "
        "lobby, terrasse, garten, dachterrasse, whirlpool, einrichtungen, "
        "anlage, hotelanlage, spielplatz, treppe, treppen, "
        "skiraum, skikeller, skidepot, skiverleih, schuhtrockner, liegestuhl, liegestühle, sonnenliegen, "
        "strandliegen, sonnenschirm, sonnenschirme, strandkorb, poolbar, dampfbad, hammam, massage, "
        "massagen, hanteln, tennisplatz, minigolf, kinderclub, miniclub, spielzimmer, aufenthaltsraum, "
        "waschmaschine, fahrradkeller, fahrradverleih, "
        "freie liegen, freien liegen, liegen am pool, liegen am strand, schwimmbecken, meerwasserbecken, "
        "außenbecken, innenbecken",
        "parking": "parkplatz, parkplätze, parken, parkhaus, tiefgarage, garage, "
        "stellplatz, stellplätze, parkmöglichkeit, parkmöglichkeiten, "
        "geparkt, parkte, parkten, parkkarte, parkschein, parkticket, parkgebühr, parkgebühren, die "
        "schranke, die schranken, parkdeck, ladestation, parkservice",
    },
    "fr": {
        "room": "chambre, chambres, suite, balcon, vue, fenêtre, climatisation, clim, climatiseur, "
        "chauffage, minibar, frigo, réfrigérateur, télé, télévision, tv, armoire, placard, décoration, "
        "déco, mobilier, meubles, moquette, rideaux, logement, bouilloire, coffre, coffre fort, "
        "ventilateur, radiateur, radiateurs, volets, store, stores, lampe, lampes, canapé, bureau, tapis, "
        "parquet, serrure, prises, chambre familiale, studio, appartement, chaîne, chaînes, ampoule, "
        "ampoules, prise, prise électrique",
        "cleanliness": "propreté, ménage, nettoyage, hygiène, nettoyé, cheveux, cheveu, poils, poil, "
        "poutze, poutzer, poutzé, nettoyée, nettoyées, nettoyés",
        "staff": "personnel, équipe, employé, employés, employée, réceptionniste, accueil, service, "
        "serveur, serveurs, serveuse, concierge, directeur, directrice, gérant, gérante, propriétaire, "
        "propriétaires, hôte, hôtes, hôtesse, staff, femme de chambre, gens, barman, barmaid, chef, "
        "cuisinier, maître d'hôtel, voiturier, bagagiste, portier, groom, gouvernante, personnel de ménage, "
        "dame, dames, veilleur de nuit, standard, standardiste, la réception a, la réception nous, femme de "
        "ménage, dame de ménage, agent d'entretien, personnel d'entretien, reçus, reçu, reçue, reçues, "
        "accueillis, accueillies, accueilli, accueillie, service en chambre, room service",
        "breakfast": "petit déjeuner, petit dej, déjeuner, dîner, repas, buffet, nourriture, cuisine, "
        "restaurant, oeuf, oeufs, café, thé, pain, croissant, croissants, viennoiseries, jus, fruits, "
        "confiture, fromage, menu, vin, demi pension, boissons, desserts, bar, cocktails, cocktail, petit "
        "déj, salle du petit déjeuner, salle de petit déjeuner, gâteau, gâteaux, crêpe, crêpes, "
        "pâtisseries, viennoiserie, charcuterie, yaourt, yaourts, céréales, omelette, bacon, saucisses, "
        "brioche, baguette, plat, plats, plat du jour, assiette, machine à café, cafetière, apéro, "
        "apéritif, bière, bières, champagne, boisson, mangé, manger, dîné, soupe, pizza, salade, salades, "
        "poisson, viande, pâtes, brunch, souper, thé glacé, café glacé, crème glacée, glace, glaces, "
        "addition, oeufs brouillés, jus d'orange, pain grillé, couverts, tasses, assiettes, verres",
        "location": "emplacement, situation, situé, située, localisation, quartier, centre, centre ville, "
        "plage, mer, métro, gare, transports, proximité, à pied, près, proche, accès, environs, commerces, "
        "vieille ville, vieux port, vieux quartier, vieux centre, vieux montréal, vieux québec, vieux lyon, "
        "vieux nice, centre historique, navette, aéroport, arrêt de bus, bus, tram, tramway, plages, "
        "pistes, remontées mécaniques, village, dépanneur",
        "noise": "insonorisation, insonorisé, insonorisée, trafic, circulation, musique, rue, isolation "
        "phonique, ronflements, voisins, murs, cloisons, bruit, isolation, télé des voisins, tv des voisins",
        "value": "prix, tarif, tarifs, rapport qualité prix, qualité prix, argent, coût, frais, supplément, "
        "payé, payer, euro, euros, €, coûte, coute, francs, chf, coûtait, coûtaient, coûté, facturé, "
        "facturés, facturée, caution, taxe de séjour, piasse, piasses, dollars, $, payant, payante, "
        "payants, payantes, en supplément, en sus",
        "wifi": "wifi, wi fi, internet, connexion, réseau, signal",
        "checkin": "enregistrement, arrivée, départ, check in, check out, checkin, checkout, file "
        "d'attente, attente, attendre, attendu, clé, clés, clef, carte, carte de la chambre, facture, "
        "comptoir, badge, queue",
        "bathroom": "salle de bain, salle de bains, salle d'eau, douche, douches, toilettes, wc, lavabo, "
        "baignoire, serviette, serviettes, pression, eau chaude, sèche cheveux, savon, shampoing, "
        "évacuation, chasse d'eau, papier toilette, papier toilettes, papier wc, papier hygiénique, "
        "robinet, robinets, rideau de douche, pommeau, bonde, siphon, chauffe eau, ballon d'eau chaude, "
        "serviette de bain, peignoir, peignoirs, gel douche, produits de toilette, débarbouillette, "
        "débarbouillettes, bain, vasque, miroir",
        "bed": "lit, lits, matelas, oreiller, oreillers, draps, literie, couette, couverture, taie, taies, "
        "taie d'oreiller, sommier, lit double, lits jumeaux, traversin, couettes",
        "facilities": "piscine, spa, salle de sport, salle de gym, gym, fitness, sauna, ascenseur, "
        "ascenseurs, hall, terrasse, jardin, jacuzzi, hammam, équipements, installations, escaliers, aire "
        "de jeux, salle de fitness, salle de musculation, haltères, transats, transat, chaises longues, "
        "parasols, bain à remous, toboggan, mini club, salle de jeux, billard, laverie, bibliothèque, "
        "piscine intérieure, rooftop, toit terrasse",
        "parking": "parking, stationnement, garer, se garer, garage, place de parking, stationner, s'est "
        "garé, s'est garés, nous sommes garés, garés dans, garé dans, être garé, places de parking, parking "
        "partenaire",
    },
    "es": {
        "room": "habitación, habitaciones, cuarto, suite, balcón, vista, vistas, "
        "ventana, aire acondicionado, aire, calefacción, minibar, nevera, "
        "frigorífico, televisión, tele, tv, armario, decoración, muebles, "
        "mobiliario, moqueta, cortinas, alojamiento, pieza",
        "cleanliness": "limpieza, higiene, limpiar, limpiaron, pelos",
        "staff": "personal, empleados, empleado, empleada, recepcionista, servicio, "
        "camarero, camareros, camarera, camareras, mesero, conserje, gerente, "
        "dueño, dueños, anfitrión, anfitriona, equipo, trato, atención, staff, "
        "gente, chica de recepción, chico de recepción, chica de la recepción, "
        "chico de la recepción, los chicos del hotel, las chicas del hotel, los chicos de "
        "recepción, las chicas de recepción, camarera de piso, camareras de piso, "
        "recepcionistas, barman, botones, mucama, mucamas, personal de limpieza",
        "breakfast": "desayuno, desayunos, buffet, bufé, comida, comidas, cena, almuerzo, "
        "restaurante, huevos, huevo, café, pan, bollería, zumo, jugo, fruta, "
        "embutidos, plato, platos, menú, cocina, vino, media pensión, bebidas, "
        "postres, tortilla, bar, cócteles, cóctel, cocteles, comedor",
        "location": "ubicación, situación, localización, ubicado, ubicada, situado, "
        "situada, zona, barrio, centro, playa, mar, metro, estación, "
        "transporte, cerca, a pie, andando, alrededores, tiendas, casco antiguo, casco "
        "viejo, casco histórico, ciudad vieja, centro histórico, zona antigua, parte "
        "antigua, malecón, paseo marítimo, bahía, puerto",
        "noise": "insonorización, insonorizado, tráfico, música, calle, fiesta, "
        "aislamiento, vecinos, paredes, pared",
        "value": "precio, precios, tarifa, relación calidad precio, calidad precio, "
        "dinero, coste, costo, suplemento, pagamos, pagar, pagado, euros, euro, "
        "€, dólares, dolares, pesos, cuesta, cuestan, cobran",
        "wifi": "wifi, wi fi, internet, conexión, red, señal",
        "checkin": "registro, llegada, salida, check in, check out, checkin, checkout, "
        "cola, espera, esperar, esperamos, llave, llaves, tarjeta, tarjeta de "
        "la habitación, factura, nuestra reserva, la reserva",
        "bathroom": "baño, baños, cuarto de baño, ducha, duchas, inodoro, váter, aseo, "
        "lavabo, bañera, toalla, toallas, agua caliente, presión del agua, "
        "secador, jabón, champú, desagüe, regadera, presión, cisterna, papel higiénico, "
        "papel de baño, mampara, pedir toallas limpias, pedimos toallas limpias, por "
        "toallas limpias, pedir sábanas limpias, toallas limpias por favor",
        "bed": "cama, camas, colchón, colchones, almohada, almohadas, sábanas, ropa de "
        "cama, manta, mantas, edredón",
        "facilities": "piscina, spa, gimnasio, sauna, ascensor, ascensores, vestíbulo, "
        "terraza, jardín, jacuzzi, instalaciones, azotea, escaleras, zona de "
        "juegos, alberca, pileta, elevador, elevadores, hamacas, tumbonas, camastros",
        "parking": "aparcamiento, parking, estacionamiento, aparcar, garaje, plaza de "
        "garaje, parqueadero, estacionar, cochera",
    },
    "it": {
        "room": "camera, camere, stanza, stanze, suite, balcone, vista, finestra, "
        "finestre, aria condizionata, condizionatore, climatizzatore, "
        "riscaldamento, minibar, frigo, frigorifero, tv, televisione, armadio, "
        "arredamento, mobili, tende, moquette, alloggio, termosifone, termosifoni, "
        "stufa, ventilatore, serranda, tapparella, tapparelle, persiane, scuri, "
        "cassaforte, scrivania, divano, bollitore, telecomando, canali, canale, "
        "balconcino, terrazzino, appartamento, monolocale, camera matrimoniale, "
        "matrimoniale, camera doppia, mansarda, junior suite, frigobar, "
        "lampada, lampadina, lampadine, luce del comodino",
        "cleanliness": "pulizia, pulizie, igiene, capelli, pulire, hanno pulito, ha pulito, "
        "pulivano, puliscono, veniva pulita, veniva pulito, viene pulita, spazzatura, "
        "immondizia, rifiuti, cestino, cestini, pattumiera",
        "staff": "personale, staff, receptionist, receptionista, accoglienza, servizio, "
        "cameriere, camerieri, cameriera, concierge, direttore, proprietario, "
        "proprietari, titolare, gestore, gestori, host, padrone, ragazzi, "
        "ragazze, gente, signora, signorina, addetto, addetta, addetti, portiere, "
        "facchino, barista, baristi, cuoco, cuochi, chef, governante, manager, "
        "responsabile, proprietaria, titolari, dipendenti, impiegato, impiegata, "
        "impiegati, housekeeping, signora delle pulizie, donna delle pulizie, donne delle "
        "pulizie, ragazza delle pulizie, addetta alle pulizie, addetti alle pulizie, "
        "cameriera ai piani, siete stati, informazioni",
        "breakfast": "colazione, prima colazione, buffet, cibo, cena, pranzo, ristorante, "
        "uova, uovo, caffè, cappuccino, pane, cornetti, cornetto, brioche, "
        "succo, frutta, dolci, piatti, piatto, menu, cucina, vino, pasti, "
        "pasto, mezza pensione, bevande, bar, cocktail, spritz, aperitivo, sala "
        "colazione, sala della colazione, marmellata, yogurt, cereali, salumi, "
        "formaggi, formaggio, affettati, torta, torte, biscotti, spremuta, latte, "
        "croissant, pizza, pasta, antipasti, dessert, espresso, cappuccini, "
        "colazioni, menù, cornetto, cena, prosecco, spumante, champagne, bottiglia di "
        "vino",
        "location": "posizione, ubicazione, zona, quartiere, centro, spiaggia, mare, metro, "
        "metropolitana, stazione, fermata, trasporti, vicino, vicina, a piedi, "
        "raggiungibile, situato, situata, dintorni, negozi, navetta, aeroporto, autobus, "
        "bus",
        "noise": "insonorizzazione, insonorizzata, traffico, musica, strada, festa, "
        "isolamento acustico, i vicini, dei vicini, vicini di camera, pareti, "
        "parete, movida, discoteca, locali notturni, clacson, motorini, cantiere, "
        "campane, tram, il vicino, la vicina, del vicino, della vicina",
        "value": "prezzo, prezzi, tariffa, rapporto qualità prezzo, qualità prezzo, "
        "soldi, costo, supplemento, pagato, pagare, euro, €, costa, costano, "
        "costava, costavano, costato, costata, spesa, speso, spesi, tassa di "
        "soggiorno, cauzione, listino",
        "wifi": "wifi, wi fi, internet, connessione, rete, segnale",
        "checkin": "registrazione, check in, check out, checkin, checkout, conto, coda, "
        "fila, attesa, aspettare, aspettato, chiave, chiavi, tessera, chiave "
        "della camera, accettazione, tessera magnetica, badge, carta magnetica, "
        "late check out, check out posticipato, check out tardivo, early check in, "
        "darci la camera, darci le chiavi, consegnarci la camera",
        "bathroom": "bagno, bagni, doccia, docce, wc, lavandino, lavabo, vasca, "
        "asciugamani, asciugamano, acqua calda, pressione dell'acqua, phon, "
        "fon, asciugacapelli, bidet, sanitari, sapone, scarico, sciacquone, carta "
        "igienica, piatto doccia, piatto della doccia, box doccia, cabina doccia, "
        "tenda della doccia, soffione, rubinetto, rubinetti, miscelatore, water, "
        "tazza del water, bagnoschiuma, shampoo, kit di cortesia, set di cortesia, set "
        "cortesia, prodotti da bagno, prodotti di cortesia, accappatoio, accappatoi, "
        "ciabatte, ciabattine, telo, teli, gabinetto, servizi igienici, vasca da bagno, "
        "bicchieri in bagno, bicchiere in bagno, saponetta, saponette",
        "bed": "letto, letti, materasso, materassi, cuscino, cuscini, guanciale, "
        "lenzuola, biancheria, coperta, coperte, piumone, federe, federa, piumino, "
        "trapunta, doghe, letto matrimoniale, culla, divano letto",
        "facilities": "piscina, spa, palestra, sauna, ascensore, ascensori, hall, terrazza, "
        "giardino, idromassaggio, jacuzzi, strutture, centro benessere, "
        "benessere, scale, parco giochi, solarium, lettini, ombrelloni, lido, area "
        "giochi, animazione, miniclub, bagno turco, piscina coperta, piscina "
        "riscaldata, campo da tennis, sala fitness, fitness, lobby",
        "parking": "parcheggio, parcheggi, parcheggiare, garage, posto auto, autorimessa, "
        "posteggio, posteggi, posteggiare, parcheggio custodito, box auto, strisce blu, "
        "macchina, convenzionato, parcheggio convenzionato",
    },
}

# topic -> {weight: entries}: words that name a topic and a feeling at once
TOPIC_FEELING: dict[str, dict[str, dict[float, str]]] = {
    "en": {
        "cleanliness": {
            2: "spotless, immaculate, pristine, spotlessly clean, gleamed, gleaming, "
            "sparkled, sparkling, sparkling clean, squeaky clean, shone, shining, "
            "you could eat off the floor",
            1: "clean, tidy, hygienic, well kept",
            -1: "dusty, dust, stained, stains, stain, smell, smelly, smelled, "
            "smelt, stank, odour, odor, grimy, grubby, hair in, smoke, "
            "cigarette smoke, smelled of smoke, smelled of, smelt of, smell of, "
            "reeked, reeks, reek, whiff, pong, grime, cobwebs, cobweb, crumbs, limescale, "
            "fingerprints, hair in the sink, hair in the shower, hair on the, hairs in the, "
            "hairs on the, blood, bloodstains, used towel, used towels, someone else s, "
            "previous guest, previous guests, nobody cleaned, no one cleaned, not been "
            "cleaned, wasn t cleaned, weren t cleaned, hadn t been cleaned, had not been "
            "cleaned, sticky floor, dirty looking, not hoovered, not hovered, not vacuumed, "
            "wasn t hoovered, wasn t vacuumed, never hoovered, never vacuumed, black spots, black marks, "
            "someone elses, used cup, "
            "used cups, used "
            "glass, used glasses, used tissues, dirty glasses",
            -2: "rodent, rodents, mouse, mice, rat, rats, ants, fleas, roaches, vomit, pubes, pubic hair, "
            "filth, manky, minging, disgustingly dirty, dirty, filthy, mould, mold, mouldy, moldy, "
            "unclean, cockroach, "
            "cockroaches, bugs, bedbugs, bed bugs, disgusting smell, stink, "
            "stinks, stinky, mildew",
        },
        "staff": {
            2: "above and beyond, went above and beyond, went out of their way, extra mile, "
            "the extra mile, couldn t do enough, couldnt do enough, could not do enough, "
            "nothing was too much trouble, nothing was too much, bent over backwards, "
            "made us feel welcome, made us feel at home, made us feel special, remembered "
            "our names, remembered our name, remembered us",
            1: "friendly, helpful, welcoming, courteous, polite, attentive, "
            "hospitable, accommodating, professional, kind, hospitality, cheerful, smiling, "
            "smiley, obliging, knowledgeable, caring, personable, approachable, sorted "
            "everything, sorted it, sorted it out, sorted us out, sorted out, fixed it straight "
            "away, sorted it straight away",
            -1: "unprofessional, arrogant, indifferent, understaffed, uninterested, "
            "disinterested, unwelcoming, abrupt, curt, offhand, dismissive, grumpy, surly, "
            "moody, stroppy, lazy, incompetent, clueless, careless, inattentive, unhelpfull",
            -1.5: "couldn t care less, couldnt care less, could not care less, didn t care, "
            "did not care, condescending, patronising, patronizing, sarcastic, snotty, "
            "snooty, hostile, aggressive, shouted at, yelled at, off with us, short with "
            "us, short with me, short with, never "
            "answered, never replied, never responded, never called back, nobody answered, "
            "no one answered, nobody helped, no one helped, no answer, no reply, no "
            "response, unanswered, nobody picked up, no one picked up, never picked up",
            -2: "rude, unfriendly, unhelpful, impolite",
        },
        "noise": {
            1: "quiet, silent, peaceful, tranquil, soundproofed",
            -1: "noise, noises, loud, hear, heard, thin walls, paper thin walls, barking, shouting",
            -1.5: "kept us awake, came through the wall, through the walls, through the "
            "wall, till midnight, until midnight, into the early hours, bin lorry, bin lorries, "
            "garbage truck, garbage trucks, rubbish truck, deliveries at, nightclub, night "
            "club, disco, hummed, humming, hum, buzzing, buzzed, whirring, droning, banging, "
            "slamming, slammed, doors slamming, racket, made a racket, din, next to the "
            "lift, next to the lift shaft, next to the elevator, lift shaft, elevator "
            "shaft, by the lift, next to the ice machine, ice machine, above the bar, next "
            "to the bar, next to the kitchen, beeped, beeping, beep, woke us, woke us up, woken, woken up, "
            "woke "
            "me, woke me up",
            2: "hear a pin drop, could hear a pin drop, not a sound, not a peep, didn t hear "
            "a thing, didn t hear anything, did not hear a thing, did not hear anything, "
            "couldn t hear anything, couldn t hear a thing, could not hear anything, heard "
            "nothing, heard nothing at all, slept like a log, slept like a baby, slept "
            "soundly",
            -2: "noisy",
        },
        "value": {
            1: "affordable, reasonable, reasonably priced, bargain, worth the "
            "money, worth every penny, good value, great value, value for "
            "money, cheap",
            -1: "expensive, pricey, extra charge, extra charges, hidden charges, steep, "
            "not worth, overcharge, costly, pricy, charged for, charged us for, were "
            "charged, charged extra, had to pay, had to pay extra, pay extra, paid extra, "
            "got charged, then charged, nickel and dimed, nickel and dime, cost a fortune, "
            "costs a fortune, a fortune, you get what you pay for, a bit high, bit high, "
            "quite high, high price, high prices, very high, steep price",
            2: "cheap as chips, worth every cent, worth every euro, worth every pound, worth every dollar",
            -2: "overpriced, rip off, ripoff, daylight robbery, extortionate, extortion",
        },
        "location": {
            1: "central, centrally located, well located, convenient location, dead centre, dead center",
            0.5: "close to, near, nearby, walking distance, minutes walk, min walk, "
            "right outside, next to, right next to, minutes from, mins from, min from, "
            "minutes away, mins away, min away, on foot, mins on foot, minutes on foot, "
            "steps from, steps away, a stone s throw, stone s throw, stones throw, on the "
            "doorstep, right by, right on",
            -1: "far from everything, in the middle of nowhere",
        },
        "bed": {
            1: "comfy bed",
        },
        "checkin": {
            -1: "long queue, long wait, had to wait, waited, waiting time, wait over, no "
            "record of our booking, no record of our reservation, lost our booking, lost "
            "our reservation, couldn t find our booking, could not find our booking, "
            "couldn t find our reservation, booking wasn t there, took an hour to, took "
            "half an hour, took an hour, took over an hour, took two hours, took hours, "
            "card machine was down, machine was down, system was down, double booked, "
            "overbooked, queue was",
            1: "keys were ready, key was ready, room was ready, room ready, ready when we "
            "arrived, ready when we walked in, ready on arrival, let us check in early, let "
            "us keep the room, keep the room till, keep our room till, done in two minutes, "
            "in two minutes, in minutes, in no time, took two minutes, took 2 minutes, took "
            "five minutes, took 5 minutes, took a minute, took a few minutes, took minutes, "
            "took no time, kept our bags, kept our luggage, stored our bags, stored our "
            "luggage, looked after our bags, held our bags",
        },
    },
    "de": {
        "cleanliness": {
            2: "blitzsauber, makellos, picobello, tipptopp, blitzblank, "
            "glänzend sauber, strahlend sauber, blitzeblank, klinisch sauber, wie geleckt",
            1.5: "geglänzt, glänzte, glänzt, glänzend, glänzten, blitzte, blitzten, funkelte, funkelt, "
            "frisch geputzt, frisch gereinigt",
            1: "sauber, gepflegt, reinlich, hygienisch, "
            "geputzt, gereinigt, gesaugt, gewischt, gespült, aufgeräumt, suuber, suber",
            -1: "staubig, staub, flecken, fleckig, gestank, stinkt, roch, riecht, "
            "muffig, haare, schimmlig, klebrig, rauch, zigarettenrauch, nach "
            "rauch, "
            "stank, gerochen, geruch, gerüche, mief, miefig, modrig, moderig, müffelt, müffelte, "
            "fleck, kalkflecken, verkalkt, fussel, flusen, spinnweben, schlieren, "
            "verfärbt, vergilbt, krümel, essensreste, roch nach, riecht nach, rost, rostig, rostflecken, "
            "wasserflecken, tote fliege, fliege, silberfischchen, ameisen, spinne, spinnen, motten, "
            "trüb, trübe, milchig, fingerabdrücke, asche",
            -1.5: "müll, abfall, zigarettenkippen, kippen, zigarettenstummel, vom vorgänger, von den "
            "vorgängern, vom vorgast, von vorherigen gästen, vorherigen gäste, vorgänger, "
            "blutflecken, kaugummi, fußnägel, zehennägel, haarbüschel, schamhaare, "
            "riechen komisch, riecht komisch, roch komisch, riecht muffig, riecht unangenehm, riechen "
            "unangenehm, roch unangenehm",
            -2: "schmutzig, dreckig, verdreckt, schimmel, schimmelig, unsauber, "
            "ungeziefer, kakerlaken, wanzen, bettwanzen, ekelhaft, "
            "versifft, siffig, schmuddelig, schmuddlig, verschmutzt, ungepflegt, verklebt, urin, "
            "urinflecken, erbrochenes, gruusig, grusig, grauslich, grauslig, ekelerregend, verschimmelt, "
            "schimmelflecken, kakerlake, schaben, flöhe, milben, mäuse, mäusekot, ratten, ratte, insekten, "
            "käfer, rauchgeruch, zigarettengeruch, uringeruch, kanalgeruch, schimmelgeruch",
        },
        "staff": {
            2: "jeden wunsch von den augen abgelesen, wunsch von den augen abgelesen, jeden wunsch erfüllt, "
            "ohne dass wir fragen mussten, ohne zu fragen, unaufgefordert, von sich aus",
            1.5: "rührend, gekümmert, kümmerten sich, "
            "verwöhnt, verwöhnen, umsorgt, bestens betreut, kulant, entgegenkommend, lösungsorientiert, "
            "fründlich, super nett, mega nett, huere nett, bemüht, engagiert, sympathisch, liebenswürdig",
            1: "freundlich, hilfsbereit, zuvorkommend, herzlich, höflich, "
            "aufmerksam, gastfreundschaft, gastfreundlich, kompetent, "
            "professionell, nett, "
            "geregelt, gelöst, behoben, uns bescheid gesagt, uns vorher bescheid gesagt, uns informiert, "
            "uns vorgewarnt, gebracht, nachgebracht, vorbeigebracht, sofort reagiert, schnell reagiert, "
            "zurückgerufen, abgehoben, tipps, "
            "begrüßt, gegrüßt, mit namen begrüßt, taxi gerufen, taxi bestellt, organisiert, weitergeholfen, "
            "geholfen, besetzt, "
            "getragen, koffer getragen, gepäck getragen, hochgetragen",
            -1: "arrogant, unprofessionell, desinteressiert, "
            "aufs essen gewartet, auf das essen gewartet, aufs essen warten, auf unser essen gewartet, "
            "ungeduldig, genervt, gestresst, mürrisch, grimmig, schnippisch, herablassend, gleichgültig, "
            "teilnahmslos, unmotiviert, lustlos, planlos, ahnungslos, überheblich, abweisend, kurz "
            "angebunden, keine entschuldigung, ohne entschuldigung, schulterzucken, achselzucken, mit den "
            "schultern gezuckt, nicht zuständig, vertröstet, abgewimmelt, "
            "kaum deutsch, kein deutsch, kaum englisch, kein englisch, kein wort deutsch, spricht kein, "
            "sprach kein, sprechen kein, sprach kaum, spricht kaum, sprechen kaum, sprachbarriere, "
            "sprachprobleme, pampig, rotzig, schroff, barsch, ruppig, zickig, launisch, gelangweilt, "
            "unaufmerksam, vergesslich, schleppend, nicht beachtet, links liegen lassen, warten lassen, "
            "warten gelassen, ließen uns warten, interessierte niemanden, wusste von nichts, wussten von "
            "nichts, falsche auskunft, falsche auskünfte, falsch informiert",
            -1.5: "niemand da, keiner da, niemand zu erreichen, keiner zu erreichen, niemand erreichbar, "
            "keiner erreichbar, telefonisch nicht erreichbar, meldete sich niemand, hat sich niemand "
            "gemeldet, niemand gemeldet, niemand reagiert, keine reaktion, keine antwort, nie "
            "zurückgerufen, nicht zurückgerufen, kein rückruf, niemand ging ran, ging niemand ran, "
            "ging keiner ran, niemand ging ans telefon, keiner ging ans telefon, niemand abgehoben, "
            "keiner abgehoben, niemand kam, keiner kam, kam niemand, kam keiner, hat sich niemand "
            "gekümmert, kümmerte sich niemand, inkompetent, unfähig, angeschnauzt, angemotzt, "
            "angepampt, angeschrien, respektlos, unverschämt, "
            "übersehen, uns übersehen, "
            "unbesetzt, nicht besetzt, "
            "niemand an der rezeption, keiner an der rezeption, niemand am empfang, rezeption nicht "
            "besetzt, rezeption unbesetzt",
            -2: "unfreundlich, unhöflich, frech, patzig",
        },
        "noise": {
            1.5: "kein mucks, mucksmäuschenstill, totenstill, himmlisch ruhig, absolute ruhe, totale ruhe, "
            "ruhe pur, "
            "man hört nur, hört man nur, hört nur die, nur die vögel, vogelgezwitscher, meeresrauschen, "
            "wellenrauschen, rauschen des meeres, rauschen der wellen",
            1: "ruhig, leise, ruhige lage, ruhe, stille, still, schallisoliert, gut isoliert, schalldicht",
            -1: "lärm, laut, geräusch, geräusche, krach, baustelle, hören, hörte, hört, dünne wände, "
            "mucks, gehört, hörbar, zu hören, mitgehört, hörten, jedes wort, jeden schritt, jedes geräusch, "
            "brummte, brummt, brummen, dröhnt, dröhnte, dröhnen, rauscht, rauschte, summte, summt, piepte, "
            "piept, klappert, klapperte, klappern, bellte, hundegebell, gebell, gegröle, grölten, geschrei, "
            "kindergeschrei, party, partys, feiernde, betrunkene, disco, diskothek, techno, bässe, bass, "
            "wummern, wummerte, müllabfuhr, müllwagen, lieferverkehr, lkw, presslufthammer, bauarbeiten, "
            "baulärm, bohren, gebohrt, gehämmert, hämmern, kirchenglocken, glocken, glockengeläut, gehupe, "
            "sirenen, martinshorn, türenknallen, türen knallen, knallende türen, knallten, geweckt, "
            "wachgehalten, wach gehalten, aus dem schlaf gerissen, ohrstöpsel, ohropax, aus papier, wie "
            "papier, papierdünn, pappwände, aus pappe, "
            "leichtem schlaf, leichten schlaf, leichter schlaf, "
            "gefeiert wurde, wurde gefeiert, nebenan gefeiert",
            -1.5: "schlecht isoliert, ratterte, rattert",
            -2: "hellhörig, sehr laut, lärmend, höllenlärm, ohrenbetäubend",
        },
        "value": {
            1.5: "schnäppchen, unschlagbarer preis, fairer preis, faire preise, jeden euro wert, jeden "
            "franken wert, preis leistung top, preis leistung stimmt, preis leistung passt",
            1: "günstig, preiswert, angemessen, preisgünstig, seinen preis wert, "
            "sein geld wert, jeden cent wert, "
            "fair, ohne aufpreis, ohne zuschlag, inbegriffen, inkludiert, im preis inbegriffen, im preis "
            "enthalten",
            -1: "teuer, kostspielig, aufpreis, kostenpflichtig, "
            "happig, gesalzen, gesalzene preise, saftige preise, stolzer preis, stolze preise",
            -2: "überteuert, abzocke, wucher, "
            "halsabschneiderei, nepp, touristennepp, wucherpreise, apothekenpreise",
        },
        "location": {
            1: "zentral, zentrale lage, zentral gelegen, gut gelegen, top lage, "
            "traumlage, toplage, perfekte lage, beste lage, 1a lage, katzensprung, steinwurf, direkt am "
            "strand, direkt am meer, direkt am see, direkt an der piste, ski in ski out, mitten in der "
            "altstadt, mitten im zentrum, mittendrin, ums eck, um die ecke, perfekt gelegen, super gelegen, "
            "ideal gelegen, toll gelegen, gute anbindung, gut angebunden, gut erreichbar, bestens "
            "erreichbar, leicht erreichbar",
            0.5: "nähe, in der nähe, fußläufig, zu fuß, nah, nahe",
            -1: "weit weg von allem, abgelegen, ab vom schuss, "
            "außerhalb, am stadtrand, gewerbegebiet, industriegebiet, im nirgendwo, mitten im nirgendwo, "
            "nichts in der nähe, weitab, am arsch der welt, schlecht angebunden, schlechte anbindung, "
            "schwer erreichbar, kaum erreichbar",
        },
        "checkin": {
            1: "schlüssel lagen bereit, sofort aufs zimmer, direkt aufs zimmer",
            -1: "warten, gewartet, mussten warten, warten mussten, wartezeit, warteschlange, "
            "gestanden, angestanden, anstehen, schlange gestanden, wartete, warteten, noch nicht fertig, "
            "nicht im system, keine buchung, keine reservierung, überbucht, doppelt berechnet, doppelt "
            "abgebucht, doppelt belastet, falsch berechnet, zu viel berechnet, zweimal berechnet, nie "
            "bestellt, nicht bestellt, nie konsumiert, nicht konsumiert, die wir nie hatten",
        },
        "room": {
            1: "meerblick, seeblick, bergblick, meeresblick, alpenblick, traumblick, traumaussicht, "
            "panoramablick, blick aufs meer, blick auf den see, blick auf die berge",
        },
        "bathroom": {
            1: "bademantel, bademäntel, hausschuhe, slipper, badeschlappen",
        },
    },
    "fr": {
        "cleanliness": {
            2: "impeccable, nickel, impeccablement propre, très propre, propre comme un sou neuf, brillait, "
            "brille, étincelant, étincelante, étincelants, reluisant, propre en ordre, nickel chrome",
            1: "propre, bien tenu, bien tenue, hygiénique, sent bon, sentait bon, sentait le propre, sent "
            "le propre, odeur agréable, bien entretenu, bien entretenue, bien entretenus",
            -1: "poussière, poussiéreux, taches, tache, tâches, odeur, odeurs, sent mauvais, puait, pue, "
            "cheveux, fumée, odeur de tabac, tabac froid, taché, tachée, tachés, tachées, sentait, ça sent, "
            "ça sentait, sentait le, sentait la, sentait les, sent le, sent la, sentaient, renfermé, odeur "
            "de renfermé, humidité, égout, égouts, cigarette, tabac, cheveu, poil, poils, usagé, usagée, "
            "usagés, traces, trace, miettes, jauni, jaunie, jaunis, jaunies, grisâtre, grisâtres, douteux, "
            "douteuse, douteuses, mal nettoyé, mal nettoyée, calcaire, tartre, chenit, cheni",
            -2: "sale, sales, crasseux, crasse, moisissure, moisissures, moisi, malpropre, cafards, "
            "punaises, insectes, dégoûtant, puces, cafard, souris, rats, vomi, crade, cradingue, "
            "dégueulasse, dégueu, répugnant, insalubre, crasseuse, infesté, infestée",
        },
        "staff": {
            2: "aux petits soins, accueil impeccable, service impeccable, accueil nickel, service nickel, "
            "accueil parfait, service parfait",
            1: "aimable, aimables, sympathique, serviable, accueillant, chaleureux, courtois, poli, "
            "attentionné, souriant, souriante, professionnel, gentil, gentille, à l'écoute, réactif, "
            "réactive, réactifs, arrangeant, arrangeante, arrangeants, bienveillant, bienveillante, "
            "prévenant, prévenante, prévenants, ben fin, ben fine, super fin, super fine, vraiment fin, "
            "vraiment fine, parle français, parlait français, parlent français, parle anglais, parlait "
            "anglais, parlent anglais, nos prénoms, notre prénom, par notre nom",
            1.5: "en or, petit mot, petite attention, petites attentions, sans qu'on demande, sans qu'on "
            "ait demandé, sans rien demander, sans avoir à demander",
            -1: "arrogant, antipathique, s'est trompé, se sont trompés, trompé, trompée, trompés, hautain, "
            "hautaine, méprisant, méprisante, expéditif, expéditive, nonchalant, je m'en foutiste, "
            "incompétent, incompétente, incompétents, incompétence",
            -1.5: "personne ne, personne n, personne pour, sans un bonjour, pas un bonjour, même pas un "
            "bonjour, sans un sourire, pas un sourire, aucune excuse, aucune excuses, sans excuse, pas "
            "d'excuse, pas d'excuses, aucun geste commercial, pas de geste commercial, injoignable, sonnait "
            "dans le vide, sonne dans le vide, envoyés balader, envoyé balader, envoyée balader, envoyé "
            "promener, envoyés promener, ignoré, ignorés, ignorée, ignorées, parlait pas français, parle "
            "pas français, parlaient pas français, parle pas anglais, parlait pas anglais, parlaient pas "
            "anglais, parlait pas un mot, n'y avait personne, n'y a personne, personne à la réception, "
            "personne à l'accueil, personne au bar",
            -2: "impoli, impolie, grossier, désagréable, désobligeant, mal aimable, odieux",
        },
        "noise": {
            1: "calme, silencieux, silencieuse, tranquille, au calme, pas un bruit, aucun bruit, sans "
            "bruit, côté cour, côté jardin",
            -1: "bruit, bruits, entendre, entend, entendait, entendu, murs fins, cloisons fines, travaux, "
            "chantier, éboueurs, camion poubelle, camions poubelles, klaxons, klaxon, sirènes, fêtards, "
            "cris, criaient, hurlaient, claquer, claquements, claquaient, portes qui claquent, bourdonnait, "
            "bourdonne, bourdonnement, ronronnait, vrombissement, résonne, résonnait, on entendait tout, on "
            "entend tout, parlait fort, parlaient fort, parlent fort, parle fort, réveillé, réveillés, "
            "réveillée, réveillées, réveillait, réveillaient, faisaient la fête, fait la fête, font la "
            "fête, faisait la fête",
            -1.5: "en papier, papier à cigarette, murs en carton, en carton, en papier à cigarette, mal "
            "isolé, mal insonorisé, mal insonorisée, mal insonorisés, mal insonorisées",
            -2: "bruyant, bruyante, très bruyant, vacarme, bruit d'enfer, marteau piqueur, boîte de nuit, "
            "discothèque",
        },
        "value": {
            1: "abordable, raisonnable, bon marché, bon rapport qualité prix, vaut le coup, vaut le prix, "
            "vaut la peine, pas cher, moins cher, petit prix, prix doux",
            1.5: "vaut chaque centime, vaut chaque euro, vaut son prix, en vaut la peine, valait le coup, "
            "vaut largement, pour son argent, pour notre argent, prix imbattable, imbattable, vaut vraiment "
            "le coup, valait vraiment le coup, vaut largement le coup, vaut bien le coup, valait largement "
            "le coup",
            -1: "cher, chère, coûteux, onéreux, dispendieux, dispendieuse, cher payé, abusif, abusifs, "
            "frais cachés",
            -1.5: "vaut pas le coup, vaut pas le prix, vaut pas la peine, valait pas le coup, valait pas le "
            "prix, vaut pas, valait pas, pas donné, surfacturé, surfacturation, facturé deux fois, débité "
            "deux fois, double facturation",
            -2: "arnaque, hors de prix, trop cher, excessif, exorbitant, prohibitif, du vol, c'est du vol, "
            "escroquerie",
        },
        "location": {
            1: "central, centrale, bien situé, bien située, idéalement situé, idéalement située, bien "
            "placé, bien placée, bien placés, très bien placé, très bien placée",
            0.5: "proche, près, à pied, à deux pas, a deux pas, à deux minutes, à 2 minutes, à cinq "
            "minutes, à 5 minutes, à trois minutes, à dix minutes, à 10 minutes, à 5 min, à 2 min, deux "
            "minutes de, cinq minutes de, 2 minutes de, 5 minutes de, à cent mètres, à 100 mètres, à 100 m, "
            "à 50 mètres, à 200 mètres, à quelques pas, proche de tout, près de tout, tout à pied, bien "
            "desservi, bien desservie",
            -1: "loin de tout, au milieu de nulle part, excentré, excentrée, mal desservi, mal desservie, "
            "rien autour, rien aux alentours, rien à proximité, vingt minutes à pied, 20 minutes à pied, "
            "trente minutes à pied, 30 minutes à pied, une demi heure à pied, zone industrielle, mal famé, "
            "mal famée",
        },
        "checkin": {
            1.5: "sans attente, sans attendre, aucune attente, pas d'attente",
            -1: "attendre, attendu, attente, dû attendre, la queue, de queue, faire la queue, avait disparu",
        },
        "room": {
            2: "vue imprenable",
            1.5: "surclassé, surclassés, surclassée, surclassement, upgrade, upgradé, upgradés",
            -1.5: "sur un mur, vue sur un mur, donnait sur un mur, donne sur un mur, vis à vis, aucune vue, "
            "étouffant, étouffante, étuve, fournaise, chaleur étouffante, froid de canard, on gelait, on a "
            "gelé",
            1: "vue mer, vue sur la mer, vue sur mer, vue sur le lac, vue sur la montagne, vue panoramique, "
            "vue sur la ville, vue sur les toits",
        },
        "bed": {
            2: "comme sur un nuage, sur un nuage",
            -1: "oreillers plats, oreiller plat, tout plat, tout plats, toute plate, plats comme des "
            "crêpes, défoncé, défoncés, ressorts, creusé, trop plats, trop plat, trop plate",
        },
        "breakfast": {
            1.5: "fait maison, faits maison, faite maison, faites maison, viennoiseries maison, confiture "
            "maison, confitures maison, gâteaux maison, gâteau maison, pain maison, produits frais, "
            "produits locaux, produits du terroir, jus pressé, bien mangé, très bien mangé",
            -1: "en poudre, industriel, industriels, industrielle, industrielles, surgelé, surgelés, "
            "surgelée, réchauffé, réchauffés, insipide, insipides, sans goût, caoutchouteux, rassis, "
            "rassise, trop cuit, pas cuit, de supermarché",
        },
        "bathroom": {
            1: "douche à l'italienne, douche italienne, pression d'enfer",
            -1.5: "eau marron, eau brune, eau jaune, eau trouble, eau froide",
        },
        "wifi": {
            1: "fibre, haut débit, très haut débit, wifi nickel, connexion nickel, wifi impeccable",
            -1.5: "plantait, plantaient, planté, plantage, ramait, ramé, sautait, sautaient, décrochait, "
            "capte pas, captait pas, capte mal, captait mal, passe mal, passait mal",
        },
        "parking": {
            -1: "tourné en rond, tourner en rond, on a tourné, a tourné",
        },
    },
    "es": {
        "cleanliness": {
            2: "impecable, limpísimo, limpísima, impoluto, relucía, reluciente, relucientes, "
            "brillaba, brillaban, brillante, brillantes, como los chorros del oro, como una "
            "patena, como un espejo, impecablemente limpio",
            1: "limpio, limpia, limpios, limpias, pulcro, limpito, limpita, limpitos, limpitas",
            -1: "polvo, polvoriento, manchas, mancha, manchado, olor, olía, huele, "
            "mal olor, pelos, humedad, olía a humedad, humo, olor a tabaco, olor a, olía a, "
            "olían a, huele a, huelen a, olía mal, huele mal, olía raro, apestaba, apesta, "
            "peste, hedor, tufo, pelo, pelos en, cabellos, restos, migas, telarañas, telaraña, "
            "sarro, manchada, manchado, manchados, manchadas, toalla usada, toallas usadas, "
            "sangre, sin limpiar, nadie limpió, no limpiaron, no la limpiaron, no limpiaban, "
            "no nos limpiaron, percudido, percudida, percudidos, percudidas, amarillento, "
            "amarillentas, hongos, huellas, arena en, manchas negras, "
            "puntos negros, sin vaciar, vaso usado, vasos usados, vasos "
            "sucios, papel usado, pañuelos usados, olor a guardado, a guardado, olor a encierro, "
            "a encierro, encierro",
            -2: "sucio, sucia, suciedad, moho, cucarachas, chinches, bichos, asqueroso, mugre, "
            "bien sucio, bien cochino, bien mugroso, bien cochambroso, "
            "mugriento, mugrienta, mugroso, mugrosa, cochino, cochina, cochinos, cochambre, "
            "cochambroso, cochambrosa, guarro, guarra, marrano, marrana, pocilga, una pocilga, "
            "cucas, ratón, ratones, rata, ratas, hormigas, pulgas, cucaracha, chinche, vómito, "
            "suciedad, roña, roñoso, roñosa, sucísimo, sucísima, brillaba por su ausencia",
        },
        "staff": {
            1: "amable, amables, simpático, atento, atentos, servicial, "
            "serviciales, cordial, educado, profesional, encantador, "
            "encantadores, majo, maja, majos, majas, majísimo, un amor, unos amores, un "
            "encanto, cariñoso, cariñosos, cariñosa, cálido, cálidos, buena onda, atentísimo, "
            "atentísimos, pendientes, lo resolvieron, nos lo resolvieron, resolvieron todo, "
            "lo resolvieron todo, lo solucionaron, nos lo solucionaron, solucionaron todo, "
            "resolutivo, resolutivos, dispuesto, dispuestos, "
            "risueño, sonriente, sonrientes, hospitalario, hospitalarios",
            2: "se desvivieron, se desvivió, se desviven, nos trataron de maravilla, nos "
            "trataron genial, nos trataron de lujo, nos trataron como reyes, nos hicieron "
            "sentir como en casa, trato exquisito, trato excelente, de diez el trato, "
            "nos consintieron, nos mimaron, nos consintió, nos mimó, unos cracks, un crack, "
            "cracks, unos genios, un genio, unos soles, unos ángeles, un ángel, "
            "un amor de persona",
            -1: "antipático, borde, arrogante, poco profesional, desatento, desatentos, "
            "desatenta, despistado, despistados, incompetente, incompetentes, inútil, "
            "inútiles, prepotente, prepotentes, soberbio, soberbia, malhumorado, "
            "malhumorada, desganado, desganada, de mala gana, mala cara, malas caras, mala "
            "onda, mala leche, cortante, apático, apática, "
            "pasota, pasotas, estúpido, estúpida",
            -1.5: "nunca contestaron, nunca respondieron, nadie contestó, nadie "
            "contestaba, nadie respondió, nadie respondía, no contestaban, no contestaron, "
            "no respondieron, no respondían, sin respuesta, ni respuesta, nadie cogía, "
            "fue muy seca, fue muy seco, fue seca, fue seco, seca con nosotros, seco con "
            "nosotros, secos con nosotros, nadie nos pelaba, no nos pelaban, ni nos pelaban, "
            "nadie nos hacía caso, con la "
            "punta del pie, como basura, como trapos, nunca contestaba, nunca contestaban, "
            "nunca respondía, nunca respondían, "
            "nadie nos avisó, no nos avisaron, no avisaron, nadie avisó, nadie nos dijo, "
            "nadie nos informó, no nos informaron, se equivocaron, se equivocó, "
            "nadie nos habló, nadie nos explicó, nadie nos comentó, no nos dijeron, no "
            "nos explicaron, no nos comentaron, más pendiente del móvil, pendiente del "
            "móvil, pendientes del móvil, mirando el móvil, más pendientes del móvil, "
            "nadie cogió, no cogían, nadie levantaba, pasaban de nosotros, pasaba de nosotros, "
            "pasaron de nosotros, pasó de "
            "nosotros, no nos atendieron, nadie nos atendió, nadie atendía, nadie atendió, "
            "no atendían, no atendieron, nos gritó, nos gritaron, nos trataron mal, nos "
            "trataron fatal, nos faltó el respeto, faltaron al respeto, mal trato, maltrato, "
            "mala atención, pésima atención, mal servicio, pésimo servicio",
            -2: "maleducado, maleducados, grosero, groseros, desagradable, mal educado, mal educados",
        },
        "noise": {
            1: "tranquilo, tranquila, silencioso, silenciosa",
            -0.5: "sonar, sonaba",
            -1: "ruido, ruidos, oía, oían, se escuchaba, escuchaba, paredes finas, "
            "obras, se oye, oye, se oía, de papel, paredes de papel, de cartón, parecen de "
            "cartón, paredes de cartón",
            -2: "ruidoso, ruidosa, muy ruidoso",
            -1.5: "discoteca, discotecas, boliche, antro, hasta la madrugada, hasta las "
            "tantas, de madrugada, camión de la basura, camiones de la basura, camión "
            "de basura, basureros, al lado del ascensor, junto al ascensor, máquina de "
            "hielo, encima del bar, encima de la discoteca, al lado de la cocina, se oía todo, "
            "se escuchaba todo, se oía la tele, "
            "rechinaba, rechina, zumbaba, zumbido, portazos, nos despertó, nos "
            "despertaron, me despertó, nos despertaba",
            2: "no se oía nada, no se escuchaba nada, ni un ruido, ni un solo ruido, no "
            "oímos nada, no escuchamos nada, dormimos como un tronco, dormimos como "
            "troncos, como un tronco, silencio absoluto, un silencio",
        },
        "value": {
            1: "barato, barata, económico, económica, asequible, razonable, vale "
            "la pena, merece la pena, buena relación calidad precio",
            2: "vale cada centavo, vale cada euro, vale cada peso, vale cada céntimo, "
            "cada centavo, cada céntimo, regalado, tirado de precio",
            -1: "caro, cara, costoso",
            -2: "nos sacaron plata, sacaron plata, nos sacaron dinero, nos cobraron por todo, "
            "cobran por todo, te cobran todo, carísimo, timo, abusivo, excesivo, un robo, robo, "
            "un dineral, dineral, "
            "sablazo, nos clavaron, clavada, nos timaron, estafa, una estafa, cobraron de "
            "más, nos cobraron de más, cobran de más, cobro indebido, precio abusivo, "
            "precios abusivos",
            -1.5: "nos cobraron, cobraron, no vale la pena, no merece la pena, no lo vale, "
            "no vale lo que cuesta, tuvimos que pagar, hay que pagar, se paga aparte, "
            "se cobra aparte, se paga",
        },
        "location": {
            1: "céntrico, céntrica, bien ubicado, bien situado, bien ubicada, bien situada",
            0.5: "cerca, a pie, andando, a pasos, a cien metros, a 100 metros, a 200 "
            "metros, a pocos metros, a unos metros, a dos minutos, a cinco minutos, a "
            "diez minutos, a 5 minutos, a 2 minutos, a 10 minutos, minutos de, minutos "
            "a pie, minutos andando, a un paso, a dos pasos, a tiro de piedra, a la "
            "vuelta de la esquina, al lado de, justo al lado, enfrente de",
            -1: "lejos de todo, en medio de la nada",
        },
        "checkin": {
            -1: "esperar, esperamos, esperando, tuvimos que esperar, cola, media hora de "
            "espera, una hora de espera, horas de espera, no aparecía la reserva, no "
            "aparecía nuestra reserva, la reserva no aparecía, nuestra reserva no "
            "aparecía, no encontraban la reserva, no encontraban nuestra reserva, no "
            "tenían la reserva, no tenían nuestra reserva, perdieron la reserva, "
            "overbooking, sobreventa, no estaba lista la habitación",
            1: "llaves estaban listas, llave estaba lista, estaba lista al llegar, "
            "estaban listas al llegar, lista al llegar, listas al llegar, nos dejaron "
            "salir tarde, nos dejaron la habitación, nos dejaron entrar antes, nos "
            "guardaron las maletas, guardaron las maletas, nos guardaron el equipaje",
        },
    },
    "it": {
        "cleanliness": {
            2: "pulitissimo, pulitissima, impeccabile, immacolato, immacolata, "
            "strapulito, strapulita, splendente, lindo, linda, scintillante, pulizia "
            "impeccabile, profumo di pulito, odore di pulito, profumava di pulito, "
            "brillava, brillavano, tirato a lucido, tirata a lucido, fresche di bucato, "
            "fresco di bucato, fresca di bucato, freschi di bucato, profumo di bucato, "
            "profumate di bucato, sapeva di pulito, sa di pulito, pulizia maniacale, "
            "maniacale, pulito in modo maniacale, pulitino, pulitina",
            1: "pulito, pulita, puliti, pulite, ordinato, ordinata, curato, curata, "
            "profumato, profumata, profumava, igienizzato, igienizzata, sanificato, "
            "sanificata, pulizia accurata, profumo, un profumo, profumi",
            -1: "polvere, polveroso, macchie, macchia, macchiato, odore, odori, "
            "puzza, puzzava, capelli, umidità, fumo, odore di fumo, peli, pelo, "
            "capello, ragnatele, ragnatela, calcare, incrostato, incrostata, "
            "incrostati, incrostazioni, unto, unta, unti, briciole, residui, foglie, "
            "schizzato, schizzata, schizzi, aloni, alone",
            -1.5: "odore di chiuso, odore di muffa, odore di umido, odore di fogna, "
            "sapeva di chiuso, sa di chiuso, sapesse di chiuso, sapeva di umido, sapesse di "
            "umido, sapeva di fumo, sapesse di fumo, sa di fumo, sa di umido, "
            "puzzolente, puzzavano, puzzo, puzzare, "
            "tanfo, olezzo, puzzava di fumo, puzza di fumo, sigarette, mozziconi, sudore, "
            "sapeva di sudore, odore di sudore, sapeva di, sa di, sapevano di, in "
            "disordine, disordinato, disordinata, disordine, sottosopra, bidoni, "
            "bidoni della spazzatura",
            -2: "sporco, sporca, sporchi, sporche, sporcizia, muffa, scarafaggi, "
            "cimici, insetti, schifo, lercio, lerci, lercia, scarafaggio, blatte, "
            "blatta, formiche, formica, topi, topo, pulci, cimice, insetto, sudicio, "
            "sudicia, sudici, lurido, lurida, luridi, zozzo, zozza, zozzi, zozze, "
            "sozzo, sozza, fetore, fogna, ammuffito, ammuffita, ammuffiti, ammuffite, "
            "lerciume, sozzura, ragno, ragni, ragnetti, non pulita, mai pulita, non pulito, mai pulito",
        },
        "staff": {
            1: "gentile, gentili, gentilissimo, gentilissimi, cordiale, cordiali, "
            "disponibile, disponibili, cortese, cortesi, simpatico, simpatici, "
            "professionale, professionali, premuroso, premurosi, accoglienti, "
            "ospitalità, ospitale",
            1.5: "cordialità, gentilezza, professionalità, simpatia, cortesia, "
            "accoglienza calorosa, calorosa accoglienza, sorridenti, sorridente, "
            "sorrisi, sorriso, ospitalissimi, fatto di tutto, hanno fatto di tutto, "
            "pronti ad aiutare, pronti ad aiutarti, pronti ad aiutarci, sempre "
            "pronti, sempre disponibili, attenti, attente, premurosa, premurose, "
            "disponibilità, bravissimi, bravissime, bravi, brave, gentilissime, "
            "gentilissima",
            2: "si è fatto in quattro, si sono fatti in quattro, fatti in quattro, si è "
            "fatta in quattro, coccolato, coccolati, coccolata, coccolate, ci hanno coccolato, ci "
            "hanno coccolati, ci hanno viziato, ci hanno viziati, viziati, "
            "angeli, ci hanno risolto, hanno risolto, risolto tutto, ci hanno aiutato, "
            "ci hanno aiutati, ci ha aiutato, ci ha aiutati, ci hanno consigliato, ci "
            "ha consigliato, ci hanno accolto, ci hanno accolti, ci hanno "
            "accompagnato, ci ha accompagnato, ci hanno prenotato, ci ha prenotato, "
            "ci hanno dato una mano, ci ha dato una mano, ci hanno fatto trovare, ci "
            "ha fatto trovare, ci ha preparato, ci hanno preparato, dato un "
            "passaggio, ci ha dato un passaggio, ci hanno dato un passaggio, si "
            "ricordava, si ricordavano, grazie a tutti, grazie a tutto lo staff, "
            "passato a salutarci, venuto a "
            "salutarci, venuta a salutarci, è passato a salutarci, ci ha salutato, ci "
            "hanno salutato, ci ha aspettato, ci hanno aspettato, ci ha aspettati, ci "
            "hanno aspettati, ci ha fatto da guida, fatto da guida, ci ha fatto da "
            "cicerone, esaudito ogni richiesta, ogni nostra richiesta, ogni "
            "desiderio, col sorriso, con il sorriso, sempre col sorriso, trattato come re, "
            "trattato come un re, trattati come dei re, ci hanno trattato come re, ci "
            "hanno trattati come re, ci hanno trattato come dei re",
            -1: "antipatico, arrogante, poco professionale, sbrigativo, sbrigativa, "
            "sbrigativi, frettoloso, frettolosa, frettolosi, scocciato, scocciata, "
            "scocciati, seccato, seccata, infastidito, infastidita, distaccato, "
            "distaccata, distratto, distratta, distratti, con sufficienza",
            -1.5: "col muso, muso lungo, musone, musona, scontroso, scontrosa, "
            "scontrosi, svogliato, svogliata, svogliati, impreparato, impreparata, "
            "impreparati, nessuno ha risposto, nessuno rispondeva, nessuno risponde, "
            "nessuno ci ha risposto, nessuno ci ha aiutato, nessuno ci ha aiutati, "
            "nessuno è venuto, nessuno si è scusato, nessuno si è fatto vivo, "
            "nessuno sapeva, nessuno parlava, squillava a vuoto, squilla a vuoto, nessuno "
            "ce l'aveva detto, nessuno ci aveva detto, nessuno ci ha detto, nessuno ci "
            "ha avvisato, nessuno ci ha avvisati, non ci hanno avvisato, non ci hanno "
            "avvisati, senza avvisare, senza avvisarci, nessun avviso, nessuno ci ha "
            "spiegato, nessuno ci ha informato, nessuno ci ha informati, non ci hanno "
            "spiegato, non ci hanno detto, non ci hanno informato, non ci hanno "
            "informati, non ci ha neanche guardato, non ci hanno neanche guardato, "
            "senza guardarci, senza neanche guardarci, non sapeva, non sapevano, non "
            "sapeva niente, non sapevano niente, non sapeva nulla, non rispondeva, non risponde, non "
            "rispondevano, non hanno risposto, non ha risposto, non ci hanno "
            "aiutato, non ci hanno aiutati, nessuna risposta, senza scusarsi, "
            "nemmeno una scusa, neanche una scusa, nessuna scusa, non si sono "
            "scusati, non si è scusato, non si è scusata, ci ha fatto fretta, ci hanno fatto fretta, "
            "fatto fretta, messo fretta, ci "
            "hanno messo fretta, mettere fretta, ci hanno ignorato, ci hanno "
            "ignorati, poco disponibile, poco disponibili, poco gentile, poco "
            "gentili",
            -2: "scortese, scortesi, maleducato, maleducati, sgarbato, sgarbati, villano, sgradevole, "
            "incompetente, incompetenti, incompetenza, maleducazione, scortesia, "
            "menefreghista, menefreghisti, menefreghismo, aggressivo, aggressiva, "
            "ci ha urlato, ci hanno urlato, pesci in faccia, trattati male, trattato "
            "male, trattata male, ci hanno trattato male, ci hanno trattati male, "
            "ci hanno riso in faccia, riso in faccia, ci ha riso in faccia, ci hanno "
            "deriso, strafottente, strafottenti, supponente, supponenti, cafone, cafona, "
            "cafoni, razzista",
        },
        "noise": {
            1: "tranquillo, tranquilla, silenzioso, silenziosa, silenziose, quiete, "
            "silenzio, tranquillità, pace, ben insonorizzata, ben insonorizzato, "
            "ben insonorizzate, insonorizzate",
            1.5: "non si sentiva niente, non si sentiva nulla, non si sente niente, "
            "non si sente nulla, non si sentiva un rumore, non si sentiva alcun "
            "rumore, non si sentiva volare una mosca, nessun rumore",
            -1: "rumore, rumori, si sentivano, sentivamo, pareti sottili, lavori, "
            "si sente, si sentiva, di cartone, pareti di cartone, muri sottili, "
            "muri di cartone, russare, russava, abbaiavano, sirene, campanile, "
            "camion, camion della spazzatura, netturbini",
            -1.5: "baccano, chiasso, frastuono, schiamazzi, urla, urlavano, "
            "gridavano, grida, rimbombava, rimbomba, si sentiva tutto, si sente "
            "tutto, si sentono, si sentiva ogni, lavori in corso, trapano, martello "
            "pneumatico, martellate, fracasso, assordante, carta velina, di carta velina, "
            "di carta, pareti di carta, a palla, a tutto volume, pompato, pompava, "
            "ubriachi, ubriaco, dava "
            "sulla strada, affacciata sulla strada, lato strada",
            -2: "rumoroso, rumorosa, rumorosissimo, chiassoso",
        },
        "value": {
            1: "economico, economica, conveniente, ragionevole, vale la pena, ne "
            "vale la pena, buon rapporto qualità prezzo, onesto",
            1.5: "un affare, ottimo affare, affare, prezzo giusto, prezzo onesto, "
            "prezzo imbattibile, imbattibile, prezzo contenuto, prezzi contenuti, "
            "prezzi bassi, prezzo basso, soldi ben spesi, ben spesi, vale ogni "
            "centesimo, vale ogni euro, valeva ogni centesimo, valeva ogni euro, "
            "valeva la pena, ne valeva la pena, vale il prezzo, valeva il prezzo, "
            "onesta, onesti, onesti prezzi, prezzi onesti, pagato poco, speso poco, "
            "spendendo poco, costa poco, costava poco, in linea con, nella norma",
            -1: "caro, cara, costoso, costosa, caruccio, carucci, caretto, prezzo "
            "salato, prezzi salati, conto salato, ci hanno fatto pagare, fatto "
            "pagare, addebitato, addebitati, addebitata, ci hanno addebitato, "
            "sovrapprezzo, rincaro, rincari, non vale il prezzo, non vale quello che "
            "costa, non li vale, cari, care, pagare a parte, si paga a parte, si pagava a "
            "parte, da pagare a parte, pagata a parte, pagato a parte, bisognava "
            "pagare, bisogna pagare, si deve pagare, si doveva pagare, si paga extra",
            -2: "carissimo, furto, esagerato, spropositato, eccessivo, un occhio della "
            "testa, occhio della testa, salasso, un salasso, rapina, una rapina, da "
            "rapina, prezzi folli, prezzo folle, prezzi assurdi, prezzo assurdo, "
            "fregatura, una fregatura, truffa, una truffa, esoso, esosa, esosi, "
            "sproporzionato, sproporzionata, sproporzionati, prezzi gonfiati, da "
            "gioielleria, prezzi da gioielleria, da capogiro, prezzi da capogiro, "
            "soldi buttati, buttati via, soldi sprecati, buttare i soldi",
        },
        "location": {
            1: "centrale, ben posizionato, ben posizionata, ben collegato, ottima posizione, "
            "posizione strategica, strategica, strategico, a pochi passi, a un "
            "passo, a pochi minuti, ben servito, ben servita, ben collegata, in "
            "pieno centro, nel cuore, nel cuore della città, fronte mare, "
            "posizione ottima, posizione perfetta, posizione comoda, da cartolina, di "
            "fronte alla stazione, di fronte al mare, di fronte alla spiaggia, in "
            "riva al mare, sul lungomare, piedi nella sabbia, a cento metri, a 100 "
            "metri, a 200 metri, a pochi metri, a due minuti, a cinque minuti, a 5 "
            "minuti, a 2 minuti, a 3 minuti, a tre minuti, a dieci minuti, a 10 "
            "minuti, due minuti dalla, due minuti dal, cinque minuti dal, cinque "
            "minuti dalla, 5 minuti dal, 5 minuti dalla, 2 minuti dal, 2 minuti "
            "dalla, metri dal mare, metri dalla spiaggia",
            0.5: "vicino, vicina, a piedi, a due passi",
            -1: "lontano da tutto, in mezzo al nulla, fuori mano, mal collegato, mal "
            "collegata, mal servito, mal servita, difficile da raggiungere, "
            "scomodo da raggiungere, difficile da trovare, serve l'auto, serve la "
            "macchina, ci vuole la macchina, ci vuole l'auto, bisogna prendere la "
            "macchina, indispensabile l'auto, zona brutta, zona "
            "pericolosa, zona malfamata, poco raccomandabile",
        },
        "checkin": {
            1.5: "ci hanno fatto entrare prima, camera pronta in anticipo, late check "
            "out gratuito, check in veloce, check in rapido, ci hanno lasciato la camera, "
            "lasciato la camera fino, tenere la camera fino, ci hanno lasciato tenere",
            -1: "aspettare, aspettato, atteso, attesa, coda, fila, aspettavamo, "
            "aspettando, abbiamo atteso, attendere, in attesa, attese, aspettiamo",
            -1.5: "ci hanno fatto aspettare, fatto aspettare, coda lunghissima, lunga "
            "attesa, lunghe attese, camera non pronta, la camera non era pronta, "
            "camera non ancora pronta, non era ancora pronta, tessera "
            "smagnetizzata, smagnetizzata, smagnetizzato, smagnetizzate, "
            "overbooking, prenotazione persa, hanno perso la prenotazione, non "
            "trovavano la prenotazione, fila che arrivava, coda che arrivava, prima di "
            "avere la chiave, prima di avere la camera",
        },
        "room": {
            1: "vista mare, vista sul mare, vista lago, vista sul lago, vista "
            "montagna, vista sulle montagne, vista sui tetti, vista sulla città, "
            "vista panoramica, affaccio sul mare, camera vista mare, vista sul, vista sulla, "
            "vista sui, vista sulle, dalla camera si vede, dalla camera si vedeva, dal "
            "balcone si vede, dal balcone si vedeva, dalla finestra si vede, dalla "
            "finestra si vedeva, dalla terrazza si vede, si vedeva il, si vede il, "
            "vedevamo il mare, vedere il mare, vista del mare, dal balcone si vedevano, "
            "dalla camera si vedevano, dalla finestra si vedevano",
            -1: "vista su un muro, vista sul muro, vista sul cortile, vista sul "
            "parcheggio, vista parcheggio, senza vista, poco spazio, claustrofobica, "
            "vista sulla strada, vista sulla ferrovia, vista sui binari, "
            "claustrofobico, angusta, angusto, angusti, ci si girava a malapena, non "
            "ci si girava",
        },
        "bed": {
            -1.5: "molle, molla, le molle, si sentivano le molle, molle rotte, "
            "infossato, infossata, avvallato, avvallata, avvallamento, avvallamenti, letti "
            "attaccati, singoli attaccati, due letti singoli attaccati",
        },
        "breakfast": {
            1.5: "da leccarsi i baffi, da leccarsi le dita, una bontà, bontà, "
            "prelibatezze, prelibato, prelibata, fatto in casa, fatta in casa, "
            "fatti in casa, fatte in casa, casalingo, casalinga, casalinghi, "
            "casarecci, casereccio, genuino, genuina, genuini, appena sfornati, "
            "appena sfornato, sfornati, km zero, km 0, chilometro zero, prodotti "
            "locali, prodotti tipici, ampia scelta, tanta scelta, vasta scelta, "
            "molta scelta, da re, da regina, da principi, finalmente un espresso, sempre "
            "rifornito, rifornito, riforniti, rifornita, c'era di tutto, di tutto, dal salato al "
            "dolce, sia dolce che salato, dolce e salato, prodotti del territorio, del territorio, "
            "fatti dalla nonna, "
            "della nonna, come quelli della nonna",
            -1.5: "del giorno prima, raffermo, raffermi, raffermi, stantio, stantia, "
            "scaduto, scaduta, scaduti, scadute, confezionato, confezionati, "
            "confezionata, confezionate, industriale, industriali, annacquato, "
            "annacquata, acquoso, acquosa, sciapo, sciapa, sciapi, scotto, scotta, "
            "scotti, stracotto, stracotta, poca scelta, pochissima scelta, scelta "
            "limitata, scelta scarsa, scelta povera, sempre le stesse cose, "
            "sempre le stesse, sempre gli stessi, sempre lo stesso, "
            "ciofeca, una ciofeca, non rifornito, non veniva rifornito, mai "
            "rifornito, esaurito, esauriti, esaurita, in polvere, da discount",
        },
        "bathroom": {
            -1.5: "un filo d'acqua, filo d'acqua, acqua a singhiozzo, pressione bassa, "
            "poca pressione, senza pressione",
            2: "ti rimette al mondo, rimette al mondo, rigenerante, getto potente",
        },
        "wifi": {
            -1.5: "non c'era campo, si disconnetteva, si scollegava",
        },
    },
}

# --- feeling ------------------------------------------------------------------------------

# en: a thing that failed ("wouldn't lock", "didn't flush", "could not open")
_EN_FAILED_NEG = (
    "wouldn t, wouldnt, would not, won t, wont, will not, didn t, didnt, did not, doesn t, "
    "doesnt, does not, couldn t, couldnt, could not, can t, cant, cannot, can not"
)
_EN_FAILED_VERB = (
    "work, open, close, shut, lock, unlock, flush, drain, lift, connect, load, turn on, "
    "switch on, turn off, switch off, heat up, warm up, cool down, dry, start, stay on, "
    "stay shut, stay closed, fit, hold, go down, go up, respond, charge, get hot, get warm"
)
_EN_FAILED = ", ".join(
    f"{neg} {verb}"
    for neg in _EN_FAILED_NEG.split(", ")  # noqa: SIM905 — written as the lexicon is written
    for verb in _EN_FAILED_VERB.split(", ")  # noqa: SIM905
)

FEELING: dict[str, dict[float, str]] = {
    "en": {
        2: "excellent, amazing, fantastic, wonderful, perfect, perfectly, "
        "outstanding, awesome, brilliant, exceptional, loved, love, delicious, "
        "beautiful, gorgeous, incredible, best, stunning, spectacular, "
        "heavenly, faultless, highly recommend, exceeded, 10 10, highlight, "
        "adorable, superb, top notch, spot on, to die for, out of this world, breathtaking, "
        "breath taking, can t fault, cant fault, couldn t fault, couldnt fault, could not "
        "fault, cannot fault, can not fault, ten out of ten, 10 out of 10, flawless, "
        "phenomenal, magnificent, sublime, first class, first rate, second to none, home "
        "from home, home away from home, felt like home, feel like home, felt at home, like "
        "home, couldn t ask for more, couldnt ask for more, could not ask for more, can t "
        "ask for more, cant ask for more, could not have been better, couldn t have been "
        "better, couldnt have been better, could not be better, couldn t be better, "
        "like sleeping on a cloud, slept like a baby, slept like babies, slept like a log, "
        "blown away, exquisite, divine, terrific, marvellous, marvelous, splendid, fab, "
        "stellar, fantastically, amazingly, superbly, brilliantly, like a cloud, feast, "
        "couldn t have asked for a better, couldn t have asked for better, could not have "
        "asked for a better, couldnt have asked for a better, couldn t ask for a better, "
        "could not ask for a better, can t wait to come back, can t wait to return, can t "
        "wait to go back, cant wait to come back, can t wait, cant wait, can not wait, "
        "legend, legends, superstar, superstars, slept like never before, heavenly, "
        "no charge, at no cost, no cost, no fee, everything we needed, had everything we "
        "needed, everything we need, rapid, lightning fast, super fast, next level, "
        "killer view, killer, a vibe, vibe, vibes, good vibes, "
        "a feast, went back for seconds, back for seconds, seconds, without a hitch, "
        "without a hiccup, without a single hiccup, without a glitch, without any "
        "problems, without any issues, flawlessly, seamless, seamlessly, at no charge, at "
        "no extra charge, at no extra cost, free of charge, no extra charge, no extra "
        "cost, for free, without charge, without us asking, without us even asking, "
        "without being asked, without asking",
        1.5: "great, lovely, very good, tasty, wonderfully, ideal, ideally, "
        "delightful, well maintained, handy, definitely be back, will be back, will "
        "definitely return, would definitely return, will return, would return, would come "
        "back, will come back, coming back, be back, would go back, will go back, treat, a "
        "gem, gem, a pleasure, pleasure, impressed, impressive, pleased, thrilled, dreamy, "
        "heaven, plush, luxurious, classy, elegant, roomy, sparkling, gleaming, slept well, "
        "slept great, good night s sleep, great night s sleep, upgraded, free upgrade, "
        "upgraded us, thumbs up, thoughtful, nice touch, lovely touch, ace, bang on, cracking, smashing, "
        "gorgeously, beautifully, nicely, immaculately, cute, quaint, homely, welcoming, "
        "refreshing, bright, airy, light and airy, peaceful, well kept, fluffy, "
        "remembered, sorted, sorted everything, sorted it, sorted it out, turndown, turn "
        "down service, chocolates on the pillow, left chocolates, folded, let us, "
        "called us a taxi, booked us a taxi, ordered us a taxi, arranged a taxi, "
        "everything you could want, everything you need, all you need, had everything, "
        "comfiest, cosiest, friendliest, cleanest, nicest, best ever, ever slept in, huge, "
        "massive, enormous, palatial, rain shower, walk in shower, power shower, just "
        "right, something else, something special, serviced, "
        "sweet, liked, like it, interesting, special, made it special, "
        "upgrading, upgrading us, gave us a bottle, bottle of prosecco, bottle of "
        "champagne, tidied, tidied up, got us tickets, got us a table, booked us a table, "
        "arranged everything, waived, waived the fee, waived the charge, greeted by name, "
        "greeted us by name, by name, looked after, well looked after, felt looked after, "
        "taken care of, took care of, never disappoints, never disappoint, never fails, "
        "never lets us down, never let us down, proper size, right size, to ourselves, "
        "pool to ourselves, place to ourselves, welcome pack, welcome gift, welcome drink, "
        "welcome treat, brand new, shiny, like new, newly renovated, newly "
        "refurbished, had a smile, with a smile, smiles, always smiling, smile, inexpensive, appealing, "
        "appetising, appetizing, inviting, tempting, "
        "satisfactory, not too bad, wasn t too bad, isn t too bad, not bad at all, enough "
        "space, enough room, enough storage, privacy, homemade, home made, freshly made, freshly baked, "
        "freshly squeezed, "
        "made to "
        "order, cooked to order",
        1: "good, nice, comfortable, comfy, pleasant, enjoyed, enjoy, recommend, "
        "recommended, happy, satisfied, cozy, cosy, modern, fresh, convenient, "
        "easy, quick, fast, efficient, well, generous, large, big, plenty, "
        "variety, warm welcome, helpful, cool, fine, smooth, relaxing, "
        "charming, thanks, thank you, reliable, strong, hot shower, stylish, "
        "renovated, ample, yummy, fabulous, well equipped, work, works, worked, "
        "working, free, complimentary, fixed, quickly, come back, stay again, "
        "would stay again, safe, clear, easy access, fair, bigger, larger, "
        "unbeatable, spacious, changed, replaced",
        0.5: "help, helped, block, blocks, full english",
        0.3: "ok, okay, decent, acceptable, adequate, alright, soft, high",
        -0.5: "unfortunately, basic, limited, shame, pity, lacked, lack, lacking, "
        "could have been better, average, very average",
        -1: "bad, poor, small, tiny, cramped, cold, hot, hard, old, dated, tired, "
        "worn, broken, slow, uncomfortable, disappointing, disappointed, "
        "disappointment, problem, problems, issue, issues, complaint, "
        "complaints, missing, meh, so so, at best, hit and miss, hit or miss, "
        "nothing to write home about, underwhelming, underwhelmed, subpar, sub par, below "
        "par, below average, below standard, substandard, not up to standard, not up to "
        "scratch, not up to par, not up to, not as pictured, not as advertised, not as "
        "described, nothing like the pictures, misleading, threadbare, frayed, ripped, "
        "torn, chipped, cracked, peeling, rusty, rust, loose, wobbly, creaky, creaking, "
        "squeaky, squeaking, rattling, rattled, flickering, dripping, dripped, drips, "
        "leaked, flooded, flooding, overflowing, clogged, ran all night, running all night, "
        "ran constantly, wouldn t flush, would not flush, didn t flush, wouldn t close, "
        "would not close, didn t close, doesn t close, won t close, wouldn t open, would "
        "not open, wouldn t lock, would not lock, didn t lock, never came on, never worked, "
        "never came, never arrived, never showed, never showed up, never turned up, never "
        "fixed, never got, nobody came, no one came, nobody there, no one there, nobody at, "
        "no one at, not ready, wasn t ready, weren t ready, wasnt ready, not "
        "fixed, not replaced, not made up, unmade, had to ask, had to ask again, had to ask "
        "twice, had to chase, had to complain, had to call, had to change rooms, had to "
        "move, had to, kept asking, asked twice, asked three times, watery, greasy, soggy, "
        "rubbery, undercooked, raw, dishwater, warm air, grotty, tacky, cheap and nasty, "
        "scruffy, unkempt, neglected, run down, falling apart, worn down, in need of "
        "repair, needs updating, needs a refurb, refurb, pokey, poky, claustrophobic, "
        "dingy, gloomy, depressing, soulless, stained, scratched, unpleasant, unpleasant "
        "surprise, meagre, meager, skimpy, paltry, pitiful, sad, lacklustre, lackluster, "
        "uninspiring, forgettable, so so, noisy, bumpy, saggy, unclean, unhygienic, "
        "empty, stayed empty, hiccup, hiccups, glitch, glitches, never ordered, never "
        "ate, never used, we never had, never consumed, didn t order, did not order, "
        "never restocked, not restocked, never refilled, not refilled, never replaced, "
        "never changed, not changed, never emptied, not emptied, never replenished, "
        "same every day, the same every day, same thing every day, same four things, "
        "same things every day, no variety, lack of variety, repetitive, monotonous, "
        "fraying, greying, grey towels, don t meet, do not meet, didn t meet, doesn t meet, "
        "shines straight in, shone straight in, let the light in, a pain, pain, pain in "
        "the neck, dragging, had to drag, flat as pancakes, flat as a pancake, was down, "
        "went down, powdered, powdered eggs, instant coffee, from a carton, carton, packet, frozen, "
        "microwaved, reheated, processed, vanished, disappeared, died, dies, kept dying, "
        "dead, dribbled, dribble, dribbling, circled, circling, no spaces, no space, "
        "brick wall, a brick wall, view of a wall, view of the wall, onto a wall, view "
        "of the car park, overlooking the bins, view of the bins, wrong order, wrong "
        "room, wrong bill, got it wrong, mixed up, mix up, two hours for, an hour for, "
        "half an hour for, for half an hour, for an hour, for ages, every single day, "
        "needs upgrade, needs an upgrade, need an upgrade, needs upgrading, needs "
        "updating, could be updated, needs renovation, needs renovating, could be "
        "improved, can be improved, room for improvement, needs improvement, needs "
        "improving, could do with, can be better, would be nice, would be "
        "good, would be better, would be great, would be nicer, would have been nicer, "
        "would have been better, a bit of a walk, bit of a walk, quite a walk, a long "
        "walk, a trek, trek, out of the centre, out of the center, out of the way, under "
        "renovation, being renovated, renovation work, renovation works, renovations, "
        "refurbishment, building work, building works, building site, scaffolding, "
        "drilling, jackhammer, drilled, thumbs down, off putting, offputting, weird, "
        "impractical, not practical, struggled, struggle, nothing out of the ordinary, "
        "in the basement, marks on the wall, marks, squashed, fell off, hanging off, came "
        "off, falling off, strange, odd, missed, annoyed, annoyingly, "
        "frustrating, frustrated, irritating, upset, upsetting, angry, furious, "
        "disappointingly, embarrassing, inadequate, insufficient, too few, lacks, "
        "stopped working, stopped, kept stopping, someone s, only worked in, only works "
        "in, only worked, only works, walked in on, walked in while, barged in, came in "
        "while, gave our room away, gave away our room, ended up in a different hotel, "
        "moved us to another hotel, sent us to another hotel, seemed more interested in, "
        "more interested in, on their phones, on their phone, wasn t serviced, not "
        "serviced, never serviced, weren t serviced, was off, had gone off, gone off, "
        "sour, curdled, out of date, expired, lick of paint, a lick of paint, coat of "
        "paint, screaming, kids screaming, crying, nobody told us, no one told us, "
        "nobody mentioned, no one mentioned, weren t told, were not told, wasn t told, "
        "nobody warned us, no one warned us, without warning, without telling us, not "
        "informed, weren t informed, cost more than, costs more than, more expensive "
        "than, like bricks, like a "
        "brick, like a plank, like a rock, like rocks, like concrete, like cardboard, like "
        "sandpaper, like an oven, like a sauna, like a fridge, like a prison, like a cell, "
        "like a shoebox, shoebox, like a cupboard, flickered, flickers, meant to be free, "
        "supposed to be free, meant to be included, supposed to be included, supposedly, "
        "call down, called down, had to call down, rolled her eyes, rolled his eyes, "
        "rolled their eyes, eye roll, eye rolling, out of action, out of use, out of "
        "commission, unusable, a dive, bit of a dive, dire, all taken, were all taken, "
        "already taken, taken by, hanging off, burn hole, burn holes, burn marks, burnt "
        "hole, lost our, they lost, lost my, overlooked the bins, overlooks the bins, onto "
        "the bins, the bins, kept blocking, keeps blocking, blocking, kept, blown, had blown, "
        "bulb had blown, blown bulb, "
        "treated us like dirt, like dirt, like rubbish, like garbage, garbage, springs "
        "poking out, poking out, sticking out, mozzies, mozzie, mosquitoes, mosquito, "
        "midges, bites, bitten, charged separately, only negative was, only complaint was, only "
        "complaint would be, only downside was, only issue was, only problem was, only "
        "gripe, only criticism, less so, seen better days, had seen better "
        "days, unavailable, not available, had to queue, queue for a table, creaked, creaks, "
        "came out brown, brown water, "
        "rusty water, discoloured, discolored, murky, zero view, no view, zero effort, "
        "zero help, inner courtyard, internal courtyard, light well, air shaft, airshaft, "
        "didn t try, didn t bother, couldn t be bothered, could not be bothered, no effort, "
        "made no effort, grudgingly, begrudgingly, reluctantly, ancient, took three days, "
        "took two days, took days, took a week, miles away, miles from, no existent, not existent, "
        "would have liked, "
        "we would have liked, i would have liked, as we would have liked, total mess, a "
        "mess, mess, messy, sporadic, inconsistent, complicated, fiddly, interrupting, "
        "interrupted, disturbed, disturbing, disturbance, only got, we only got, only given, "
        "never connected, stopped connecting, disconnected, disconnects, kept "
        "disconnecting, gruff, didn t cope, couldn t cope, did not "
        "cope, could not cope, replace, needs replacing, need replacing, unsatisfactory, "
        "not too good, wasn t too good, isn t too good, weren t too good, snug, warm, not "
        "indicated, not mentioned, wasn t mentioned, dim, poorly lit, badly lit, tight, a "
        "bit tight, tight space, flow over, flowed over, overflowed, ordinary, pretty ordinary, "
        "very ordinary, "
        "busted, bust, knackered, kaput, on the blink, conked out, packed up, packed in, "
        "feral, moved three times, moved rooms, had to move rooms, were moved, moved us "
        "twice, nothing like the photos, nothing like the pictures, not like the photos, "
        "looked nothing like, a dip, dip in the middle, sags, sank in the middle, rolled "
        "into the middle, not so much, not so great, not so good, not great, expensive, long, far, dark, "
        "thin, "
        "stuck, leaking, leak, leaky, annoying, difficult, bland, stale, "
        "overcooked, weak, lukewarm, noisy, outdated, shabby, damp, did not "
        "work, didn t work, doesn t work, not working, out of order, chaotic, "
        "confusing, lost, forgot, forgotten, wrong, mistake, crowded, busy, "
        "sadly, inconvenient, unreliable, patchy, cheap looking, run down, "
        "rundown, hassle, waited, drops, dropped, kept dropping, barely, tepid, "
        "too many, never cleaned, not cleaned, blocked, nobody came, took ages, "
        "forever, ages, nothing special, could be better, not the best, sticky, "
        "worn out, faulty, sagging, lumpy, burnt, burned, complain, fault, "
        "holes, hole, flat, smaller, too much, closed, unstable, cut out, kept "
        "cutting out, overwhelmed, needs updating, needs renovating, needs a "
        "refresh, in need of, tatty, stuffy, poorly, musty, understaffed, "
        "trickle, just a trickle, ran out, run out, rough, awake, kept us "
        "awake, all night, full",
        -1.5: "boiling, unsafe, sketchy, dodgy, seedy, impossible, back pain, "
        "backache, paper thin, ignored, ignore, ignoring, out of service, "
        "worse, refused, refusal, grim, manky, clueless, shambles, shambolic, "
        "amateurish, amateur, laughable, ridiculous, absurd, outrageous, disgrace, "
        "disgraceful, waste of money, a waste, waste, regret, regretted, not recommend, "
        "wouldn t recommend, would not recommend, wouldnt recommend, don t recommend, do "
        "not recommend, not again, won t be back, will not be back, won t return, will not "
        "return, wont be back, cheated, conned, scammed, ripped off, dreadfully, poxy, "
        "crap, crappy, naff, dump, a dump, hovel, shithole, sucked, sucks, overcharged, "
        "charged twice, double charged, "
        "charged us twice, couldn t sleep, couldnt sleep, could not sleep, took 3 calls, "
        "took three calls, took two calls, took several calls, took several attempts, "
        "three calls, several calls, multiple calls, " + _EN_FAILED,
        -2: "terrible, awful, horrible, worst, disgusting, dreadful, unacceptable, "
        "appalling, nightmare, never again, avoid, hate, hated, shocking, "
        "gross, inedible, useless, pathetic, horrendous, atrocious, ruined, "
        "rubbish, abysmal, scam, disaster, non existent, nonexistent, freezing, "
        "unbearable, joke, undrinkable",
    },
    "de": {
        2: "ausgezeichnet, hervorragend, fantastisch, wundervoll, perfekt, "
        "exzellent, traumhaft, genial, super, spitze, spitzenklasse, "
        "erstklassig, köstlich, lecker, wunderschön, großartig, grandios, top, "
        "bestens, sehr empfehlenswert, sehr zu empfehlen, unglaublich, "
        "sensationell, klasse, traum, ein traum, highlight, wunderbar, "
        "unschlagbar, unübertroffen, einmalig, phänomenal, überragend, vom feinsten, allererste sahne, "
        "erste sahne, ein gedicht, gedicht, ein genuss, der hammer, hammer, hammermäßig, spitzenmäßig, "
        "bombastisch, megagut, saugut, sauguet, leiwand, leiwaund, urleiwand, bärig, huere guet, "
        "weltklasse, 1a, eins a, tiptop, tip top, himmlisch, göttlich, vorzüglich, exquisit, zauberhaft, "
        "paradiesisch, kein wunsch offen, keine wünsche offen, es fehlte an nichts, fehlte an nichts, an "
        "nichts gefehlt, alles bestens, alles top, alles super, alles perfekt, rundum zufrieden, rundum "
        "gelungen, wärmstens empfehlen, uneingeschränkt empfehlen, absolut empfehlenswert, 10 von 10, zehn "
        "von zehn, 5 sterne, fünf sterne, volle punktzahl, daumen hoch, "
        "nichts zu wünschen übrig, lässt keine wünsche offen, ließ keine wünsche offen, begeistert, "
        "überwältigt, überwältigend, a wahnsinn, der wahnsinn",
        1.5: "toll, sehr gut, schön, prima, empfehlenswert, zu empfehlen, liebevoll, "
        "ideal, vorbildlich, einwandfrei, tadellos, zuverlässig, großzügig, "
        "komme wieder, kommen wieder, jederzeit wieder, gerne wieder, "
        "weiterempfehlen, weiter empfehlen, "
        "wie zu hause, wie daheim, zu hause gefühlt, wohlgefühlt, wohl gefühlt, rundum wohl, fühlten uns "
        "wohl, wohlfühlen, willkommen gefühlt, herzlich empfangen, herzlich willkommen, upgrade, "
        "kostenloses upgrade, upgegradet, upgegraded, hochgestuft, aufmerksamkeit, kleine aufmerksamkeit, "
        "nette geste, überraschung, betthupferl, praline, pralinen, willkommensgeschenk, "
        "begrüßungsgeschenk, begrüßungsdrink, willkommensdrink, welcome drink, nichts zu meckern, nix zu "
        "meckern, nichts auszusetzen, nix auszusetzen, nichts zu beanstanden, nix zu beanstanden, nichts zu "
        "bemängeln, keine beanstandungen, keine beschwerden, kein grund zur klage, nichts gefehlt, hat "
        "alles gepasst, alles hat gepasst, alles gestimmt, hat alles gestimmt, alles hat gestimmt, passt "
        "alles, jederzeit gerne wieder, immer wieder gerne, kommen immer wieder, komme immer wieder, kommen "
        "sicher wieder, kommen bestimmt wieder, kommen gerne wieder, kommen auf jeden fall wieder, komme "
        "gerne wieder, komme sicher wieder, kommen wir wieder, werden wiederkommen, wieder kommen, buchen "
        "wieder, wieder buchen, würde wieder buchen, würden wieder buchen, bis zum nächsten mal, bis "
        "nächstes jahr, weiter so, wie eine wolke, wie auf wolken, wie ein murmeltier, wie ein stein, wie "
        "ein baby, wie im paradies, gut geschlafen, super geschlafen, herrlich geschlafen, tief geschlafen, "
        "hausgemacht, selbstgemacht, selbst gemacht, selbstgebacken, hausgebacken, frisch gepresst, frisch "
        "zubereitet, nachgefüllt, aufgefüllt, nachgelegt, einen druck, richtig druck, ordentlich druck, "
        "guten druck, viel druck, "
        "an alles gedacht, mitgedacht, alles was man braucht, es gab alles, beeindruckt, beeindruckend, "
        "verliebt, positiv überrascht, angenehm überrascht, fiel positiv auf, positiv aufgefallen, lohnt "
        "sich, hat sich gelohnt, lohnenswert, große auswahl, riesige auswahl, viel auswahl, reichhaltige "
        "auswahl, wie auf den bildern, wie auf den fotos, wie beschrieben, wie im prospekt, sieht man die "
        "berge, sieht man das meer, sieht man den see, sieht man die alpen, man sieht die berge, man sieht "
        "das meer, man sieht den see, blick über die stadt, blick über den see, blick über die altstadt, "
        "geil, megageil, affengeil, hammergeil, zur begrüßung, sonnenaufgang, sonnenuntergang, "
        "wie im himmel",
        1: "gut, angenehm, bequem, gemütlich, zufrieden, geräumig, modern, frisch, "
        "schnell, reichhaltig, reichlich, groß, vielfältig, abwechslungsreich, "
        "praktisch, problemlos, reibungslos, danke, vielen dank, gerne, gern, "
        "empfehlen, hell, weich, ordentlich, komfortabel, modernisiert, "
        "renoviert, hat gefallen, gefallen, gefiel, genossen, herrlich, "
        "stilvoll, heimelig, funktioniert, funktionierte, ging, geht, klappte, "
        "klappt, gewechselt, stimmt, passt, fein, kostenlos, kostenloser, "
        "gratis, inklusive, sicher, wiederkommen, gut ausgestattet, schnell "
        "erledigt, zügig, gerechtfertigt, geheizt, beheizt, "
        "riesig, fix, flott, ruck zuck, ruckzuck, im nu, umgehend, prompt, unkompliziert, flexibel, "
        "durchgehend geöffnet, durften, durfte, bereit, lagen bereit, lag bereit, vorbereitet, viel spaß, "
        "guet, lässig, gäbig, gschmackig, griabig, gmiatlich, urig, charmant, idyllisch, malerisch, "
        "entspannt, erholsam, erholung, entspannung, hochwertig, edel, luxuriös, elegant, geschmackvoll, "
        "schick, stylish, nagelneu, brandneu, frisch renoviert, neu renoviert, panorama, rundumblick, "
        "weitblick, über die dächer, über die stadt, den ganzen see, handgeschrieben, regional, aus der "
        "region, passt scho, basst scho, passt eh, basst, gepasst, hat gepasst, berauschend, prickelnd, "
        "doll, zwei minuten, drei minuten, fünf minuten, 2 minuten, 3 minuten, 5 minuten, wenige minuten, "
        "paar minuten, ein paar minuten, wenigen minuten, wenige schritte, ein paar schritte, paar "
        "schritte, wenige meter, paar meter, ein paar meter, hundert meter, 50 meter, 100 meter, 200 meter, "
        "positiv, kinderfreundlich, hundefreundlich, familienfreundlich, barrierefrei, kuschelig, "
        "flauschig, knusprig, zart, aromatisch, würzig, schmackhaft, deftig, delikat, versteht, verstand, "
        "verstanden, "
        "direkt vor dem hotel, direkt vor der tür, vor der tür, direkt am hotel, direkt beim hotel, direkt "
        "neben dem hotel, hoteleigen, hoteleigene, hoteleigener, überall im haus, im ganzen haus, im ganzen "
        "hotel, überall im hotel, "
        "willkommen, repariert, kurze wege",
        0.5: "dunkeln, abdunkeln, verdunkeln, genug, sofort, neu, rund um die uhr",
        0.3: "ok, okay, in ordnung, akzeptabel, passabel, ausreichend, "
        "durchschnittlich, ganz gut, geht so, hoch",
        -0.5: "nur, einfach gehalten, mangel, heiß, warm, "
        "immer noch, schon wieder, immer wieder, erneut, mussten, musste, "
        "fiel, grau, "
        "eher",
        -1: "schlecht, schlechte, klein, winzig, eng, kalt, hart, alt, veraltet, "
        "abgenutzt, kaputt, defekt, langsam, unbequem, enttäuschend, "
        "enttäuscht, enttäuschung, problem, probleme, mangelhaft, mittelmäßig, "
        "teuer, lang, lange, weit, dunkel, dünn, nervig, schwierig, fad, fade, "
        "altbacken, schwach, lauwarm, abgewohnt, funktionierte nicht, ging "
        "nicht, geht nicht, chaotisch, falsch, fehler, vergessen, überfüllt, "
        "schade, unzuverlässig, instabil, brach ab, bricht ab, abgebrochen, "
        "stickig, feucht, mühsam, umständlich, unangenehm, ärgerlich, nichts "
        "besonderes, nicht der hit, durchgelegen, klebrig, zu weich, "
        "überfordert, verbrannt, angebrannt, meckern, beanstanden, auszusetzen, "
        "zu viel, kleiner, geschlossen, undicht, tropfte, leckte, müsste "
        "renoviert, sollte renoviert, verbesserungswürdig, "
        "verbesserungsbedürftig, langweilig, dürftig, spärlich, unzureichend, "
        "überlastet, zu wenig, renoviert werden, renovierung, bescheiden, die "
        "ganze nacht, immer voll, voll, "
        "eher mau, mau, naja, na ja, so lala, so la la, nicht das gelbe vom ei, ausbaufähig, luft nach "
        "oben, hätte besser sein können, könnte besser sein, mehr erwartet, hätte mehr erwartet, hatte mehr "
        "erwartet, hätten mehr erwartet, mehr schein als sein, mager, karg, kläglich, armselig, trostlos, "
        "lausig, schlampig, nachlässig, ungenügend, unterdurchschnittlich, ernüchternd, ungemütlich, "
        "steril, trist, düster, beengt, kein platz, kaum platz, schuhkarton, besenkammer, abstellkammer, "
        "unpraktisch, schwer zu finden, zach, zaach, schiach, lätz, schlächt, platt, kratzig, klamm, "
        "durchgesessen, wacklig, wackelig, klemmt, klemmte, quietscht, quietschte, quietschten, "
        "gequietscht, quietschend, knarrt, knarrte, knarzt, knarzte, knarrend, tropft, tropfend, tröpfelt, "
        "tröpfelte, getröpfelt, rinnsal, leckt, lief über, übergelaufen, überschwemmt, hing schief, lose, "
        "beschädigt, zerbrochen, gesprungen, zerrissen, löchrig, eingerissen, abgeplatzt, abgeblättert, "
        "bröckelt, bröckelte, streikte, streikt, hakt, hakte, gehakt, ruckelt, ruckelte, geruckelt, lahm, "
        "schneckentempo, funkloch, leer, leergeräumt, leergegessen, nicht nachgefüllt, aus der tüte, aus "
        "dem tetrapak, pulverkaffee, instantkaffee, löslicher kaffee, fertigprodukt, fertigprodukte, "
        "aufgewärmt, aufgebacken, plastikbesteck, pappbecher, jeden tag dasselbe, jeden tag das gleiche, "
        "immer dasselbe, immer das gleiche, eintönig, keine abwechslung, hauswand, hinterhof, lichtschacht, "
        "brandmauer, blick auf die wand, mücken, stechmücken, gelsen, schnaken, kochend, bis mitternacht, "
        "bis in die nacht, bis spät in die nacht, bis in die früh, bis zwei uhr, bis drei uhr, bis 1 uhr, "
        "bis 2 uhr, bis 3 uhr, bis ein uhr, bis vier uhr, morgens um, nachfragen, nachgefragt, nachhaken, "
        "hinterherlaufen, zweimal nach, dreimal nach, viermal nach, mehrmals nach, mehrfach nach, zigmal "
        "nach, beschwert, beschwerde, reklamiert, reklamation, reklamieren, nichts passiert, "
        "passierte nichts, alle zwei minuten, alle paar minuten, alle 5 minuten, alle fünf minuten, alle "
        "zehn minuten, kein spaß, fehlte, fehlten, fehlt, gefehlt, hat gefehlt, minuspunkt, abzug, "
        "nachteil, manko, wermutstropfen, kritikpunkt, 20 minuten, 25 minuten, 30 minuten, 40 minuten, 45 "
        "minuten, 50 minuten, 60 minuten, 90 minuten, eine stunde, einer stunde, halbe stunde, halben "
        "stunde, dreiviertelstunde, stunden, zwei stunden, "
        "negativ, flackerte, flackert, flackern, flimmerte, flimmert, lief aus, ausgelaufen, knackte, "
        "wackelte, wackelt, kippelte, fiel ab, abgefallen, heruntergefallen, hing durch, hängt durch, "
        "durchgehangen, durchhängend, kuhle, mulde, hing herunter, hing lose, löste sich, blätterte ab, "
        "verrostet, lief nicht ab, läuft nicht ab, floss nicht ab, fließt nicht ab, stand das wasser, nass, "
        "durchnässt, zugluft, es zog, zieht, fror, froren, gefroren, geschwitzt, heizte nicht, heizt nicht, "
        "kühlte nicht, kühlt nicht, nur teilweise, ging kaputt, kaputtgegangen, zerbrach, gerissen, "
        "abgerissen, mussten wir selbst, selbst holen, selber holen, erst nach, erst am nächsten tag, erst "
        "am zweiten tag, erst am dritten tag, jeden tag gleich, immer gleich, täglich gleich, jeden tag das "
        "selbe, jeden morgen das gleiche, jeden morgen dasselbe, jeden morgen gleich, brandlöcher, "
        "brandloch, brandflecken, löcher, loch, risse, riss, kratzer, zerkratzt, macken, schrammen, "
        "abgestoßen, verblichen, ausgefranst, zerschlissen, verschlissen, durchgescheuert, fadenscheinig, "
        "durchsichtig, fettig, fettiges, abgestanden, versalzen, verkocht, zäh, trocken, labbrig, pappig, "
        "matschig, wässrig, geschmacklos, ranzig, vom vortag, kleine auswahl, wenig auswahl, kaum auswahl, "
        "geringe auswahl, keine auswahl, fensterlos, abseits, kein zimmer frei, falsches zimmer, anderes "
        "zimmer als gebucht, mülltonnen, müllcontainer, auf die mülltonnen, auf den hinterhof, auf eine "
        "wand, auf die wand, gegen die wand, auf eine baustelle, "
        "wegen renovierung zu, wegen umbau zu, leider zu, hatte zu, hatten zu, hat zu, haben zu, schon zu, "
        "bereits zu, zu gewesen, in der mitte durch, "
        "kantinenniveau, kantine, kantinenessen, mensa, mensaniveau, massenabfertigung, fließband, "
        "jugendherbergsniveau, "
        "selbst tragen, selber tragen, selbst schleppen, schleppen, nix für, nichts für, "
        "verdünnt, "
        "leider, "
        "quitscht, quitschte, quitschen, komisch, zu kurz, zu früh, zu spät",
        -1.5: "außer betrieb, ausser betrieb, ewig, ewigkeit, eine ewigkeit, "
        "unerträglich, rückenschmerzen, unsicher, zwielichtig, ignoriert, "
        "ignorierte, renovierungsbedürftig, lieblos, konnten "
        "nicht schlafen, kaum geschlafen, "
        "eiskalt, saukalt, arschkalt, bitterkalt, kochend heiß, kochendheiß, brühend heiß, brütend heiß, in "
        "die jahre gekommen, heruntergekommen, runtergekommen, verwohnt, marode, schäbig, abgewirtschaftet, "
        "baufällig, ausgefallen, fiel aus, fällt aus, fiel ständig aus, fällt ständig aus, fiel immer "
        "wieder aus, ausfall, abgestürzt, stürzte ab, stürzt ab, weggebrochen, brach weg, bricht weg, brach "
        "zusammen, zusammengebrochen, tot, ging nicht an, ging nicht aus, ging nicht auf, ging nicht zu, "
        "gingen nicht, ließ sich nicht, lässt sich nicht, ließen sich nicht, lassen sich nicht, schloss "
        "nicht, schließt nicht, dunkelt nicht ab, dunkeln nicht ab, fehlanzeige, fehlte komplett, böse "
        "überraschung, unangenehme überraschung, negative überraschung, keine schöne überraschung, "
        "grottenschlecht, schlecht organisiert, unorganisiert, an schlaf war nicht zu denken, an schlaf "
        "nicht zu denken, kein auge zugetan, schlecht geschlafen, nicht geschlafen, reinfall, fehlgriff, "
        "ein witz, lachhaft, peinlich, verstopft, "
        "mit handtüchern reserviert, handtücher reserviert, liegen reserviert, mit handtüchern belegt, "
        "handtuchreservierung, stromausfall, kein strom, negativ aufgefallen, fiel negativ auf, als auf den "
        "bildern, als auf den fotos, als auf den photos, als im internet, als beschrieben, als angegeben, "
        "als versprochen, entsprach nicht, entspricht nicht, nicht wie beschrieben, anders als gebucht, "
        "verdorben, abgelaufen, jämmerlich, desolat, verheerend, "
        "nur alle, "
        "steinhart, knochenhart, bretthart, vor verschlossener tür, vor verschlossenen türen, "
        "war weg, ist weg, sind weg, waren weg, einfach weg, ständig weg, dauernd weg, immer weg, weg seit, "
        "komplett weg, null schlaf, kein schlaf, kaum schlaf",
        -2: "schrecklich, furchtbar, katastrophal, katastrophe, grauenhaft, "
        "grauenvoll, miserabel, unzumutbar, inakzeptabel, unmöglich, ekelhaft, "
        "ekelig, eklig, widerlich, nie wieder, niemals wieder, zumutung, "
        "frechheit, skandal, unterirdisch, eine katastrophe, mies, horror, "
        "albtraum, nicht vorhanden, ungenießbar, "
        "grottig, saumäßig, beschissen, scheiße, scheiß, bruchbude, absteige, drecksloch, rattenloch, "
        "oasch, orsch, hundsmiserabel, nie mehr, finger weg, hände weg, bloß nicht, auf keinen fall buchen, "
        "nicht buchen, abraten, rate ab, kann nur abraten, keine empfehlung, alptraum, "
        "erbärmlich",
    },
    "fr": {
        2: "excellent, excellente, parfait, parfaite, parfaitement, magnifique, superbe, fantastique, "
        "merveilleux, merveilleuse, exceptionnel, exceptionnelle, incroyable, délicieux, délicieuse, "
        "génial, géniale, au top, formidable, extraordinaire, sublime, adoré, le meilleur, la meilleure, je "
        "recommande, recommande vivement, impeccable, succulent, divin, parfaits, adorable, adorables, top, "
        "un régal, régal, à couper le souffle, que du bonheur, que du plaisir, un sans faute, sans fausse "
        "note, au poil, aux petits oignons, top du top, le top, le pied, de rêve, un rêve, coup de coeur, "
        "un bijou, une pépite, bluffé, bluffant, bluffante, comme à la maison, comme chez soi, comme chez "
        "nous, comme en famille, génialissime, magique, paradisiaque, une merveille, trop bien, trop bon, "
        "trop bonne, trop beau, trop belle, trop cool, trop top, vue imprenable, n'est que du bonheur, n'y "
        "a que du bonheur, n'y a que du positif, que des éloges, que du positif, que des compliments, plié "
        "en quatre, pliés en quatre, mis en quatre, mise en quatre, une tuerie, un délice, délice, un pur "
        "bonheur, un vrai bonheur",
        1.5: "très bien, très bon, très bonne, super, agréable, charmant, charmante, beau, belle, joli, "
        "jolie, bravo, idéal, idéale, idéalement, chouette, irréprochable, remarquable, soigné, soignée, "
        "sans hésiter, reviendrai, reviendrons, reviendra, à refaire, ravi, ravis, ravie, ravies, enchanté, "
        "enchantés, enchantée, comblé, comblés, comblée, conquis, conquise, agréablement surpris, "
        "agréablement surprise, agréable surprise, bonne surprise, belle surprise, nous a plu, m'a plu, ont "
        "plu, a beaucoup plu, le fun, tiguidou, bonnard, ça joue, ça jouait, tout jouait, tout joue, petit "
        "plus, petits plus, gratuitement, sans supplément, sans frais, sans rien payer, dormi comme un "
        "bébé, dormi comme des bébés, dormi comme un loir, dormi comme des loirs, n'hésitez pas, hésitez "
        "pas, aucun regret, rien à envier, chaleureusement, trop sympa, trop mignon, hâte de revenir, à "
        "recommander, recommandé, recommandable, cinq étoiles, 5 étoiles, incontournable, vaut le détour, "
        "refait à neuf, refaite à neuf, refaits à neuf, refaites à neuf, de folie, une dinguerie, régalés, "
        "régalé, régalée, bonheur, plein de charme, pleine de charme, pensé à notre, a pensé à, ont pensé "
        "à, pensé à tout, digne d'un, de qualité, de bonne qualité, haut de gamme, les yeux fermés, "
        "retournera, retournerons, y retourner, appréciable, de ouf, de malade, cocktail de bienvenue, "
        "verre de bienvenue, boisson de bienvenue",
        1: "bien, bon, bonne, bons, bonnes, confortable, confortables, spacieux, spacieuse, moderne, frais, "
        "fraîche, rapide, efficace, pratique, facile, copieux, copieuse, varié, variée, grand, grande, "
        "satisfait, satisfaits, content, contents, recommande, recommander, merci, apprécié, agréablement, "
        "sans problème, aucun problème, chaleureux, cosy, douillet, lumineux, lumineuse, rénové, rénovée, "
        "généreux, savoureux, copieusement, fonctionne, fonctionnait, marche, marchait, passe, passait, "
        "gratuit, gratuite, offert, offerte, rapidement, clair, claire, sécurité, revenir, bien équipé, "
        "bien équipée, changé, changés, changées, changée, pas pire, aidé, aidés, aidée, rassurant, "
        "rassurante, cachent, cache, aimé, aimée, aimés, aimées, en deux minutes, en 2 minutes, en cinq "
        "minutes, en 5 minutes, en un rien de temps, en un clin d'oeil, réglé, tout réglé, résolu, résolue, "
        "immédiatement, aussitôt, tout de suite, rien à dire, à la hauteur, au niveau, d'enfer, 24h/24, 24h "
        "sur 24, 24 heures sur 24, 7j/7, sans couper, sans coupure, sans coupures, sans interruption, sans "
        "aucun problème, sans souci, sans soucis, aucun souci, pas de souci, pas de soucis, tient la route, "
        "tenait la route, fonctionnel, fonctionnelle, pas mal du tout, neuve, neuves, sympa, conforme, "
        "conformes, en avance, avant l'heure, plus tôt que prévu, accordé, accordée, accordés, fait tous "
        "les jours, faits tous les jours, faite tous les jours, refait tous les jours, refait chaque jour, "
        "fait chaque jour, gardé nos bagages, gardé nos valises, garder nos bagages, garder nos valises",
        0.5: "prêt, prête, prêts, prêtes, allumé, allumée, allume, allumait, répond, répondait, répondu, "
        "répondre, répondaient, évacue, évacuait, chauffe, chauffait, chauffaient, été fait, été faite, été "
        "faits, été faites, été refait, ben correct, capte, captait, captaient, inclus, incluse, inclus "
        "dans le prix, chauffée, chauffé",
        0.3: "correct, correcte, corrects, acceptable, convenable, ok, ça va, pas mal, mou, molle, haut, "
        "hauts",
        -0.5: "dommage, seulement, manque, manquait, malheureusement, basique, moyen, moyenne, passable, "
        "chaud, chaude, hélas, mitigé, mitigés, mitigée, a fallu, il a fallu, il fallait, on a dû, nous "
        "avons dû, avons dû, j'ai dû, ai dû, plein, pleine, pleins, pleines, à répondre",
        -0.8: "sans plus",
        -1: "mauvais, mauvaise, petit, petite, petits, minuscule, étroit, étroite, exigu, exiguë, froid, "
        "froids, froide, froides, dur, dure, vieux, vieille, vétuste, usé, usée, usés, défraîchi, cassé, "
        "cassée, lent, lente, inconfortable, décevant, décevante, déçu, déçus, déçue, déception, problème, "
        "problèmes, médiocre, long, longue, loin, sombre, mince, fins, bloqué, fuite, fade, tiède, faible, "
        "vieillot, erreur, oublié, bondé, bondée, désordre, compliqué, difficile, humide, ennuyeux, "
        "insuffisant, pas terrible, pas top, rien de spécial, rien d'exceptionnel, affaissé, collant, "
        "brûlé, redire, reprocher, plaindre, trop peu, fermé, fermée, fermés, instable, coupait, coupé, "
        "coupures, coupure, débordé, débordés, débordée, à rénover, mériterait une rénovation, limite, bof, "
        "pénible, fuyait, fuit, coulait, toute la nuit, vide, complet, toujours complet, mal, bouché, "
        "bouchée, bouchés, bouchées, coincé, coincée, coincés, abîmé, abîmée, abîmés, abîmées, déchiré, "
        "déchirée, déchirés, déchirées, troué, trouée, troués, trouées, trou, trous, rouillé, rouillée, "
        "rouillés, écaillé, écaillée, écaillés, grince, grinçait, grinçant, grinçante, grincent, "
        "grinçaient, goutte, gouttait, gouttaient, inondé, inondée, inondait, inonde, débordait, déborde, "
        "fatigué, fatiguée, fatigués, fatiguées, daté, datée, datés, datées, démodé, démodée, râpeux, "
        "râpeuse, râpeuses, rêche, rêches, élimé, élimée, élimés, élimées, gelé, gelés, moustiques, "
        "moustique, fourmis, araignées, araignée, bestioles, galère, c'est sport, pas fameux, pas ouf, pas "
        "fou, pas folichon, rien de fou, pas au niveau, dû demander, du demander, devoir demander, a fallu "
        "demander, fallu redemander, redemander, redemandé, réclamer, réclamé, relancer, relancé, relancée, "
        "à plusieurs reprises, trois fois, à trois reprises, en vain, sans succès, sans réponse, aucune "
        "réponse, pas de réponse, jamais de réponse, toujours pas, pas prévenu, pas prévenus, pas été "
        "prévenus, sans prévenir, dans le vide, beaucoup moins, bien moins, nettement moins, moins bien, "
        "regrette, regretté, regrettons, regrettable, mécontent, mécontents, mécontente, énervé, énervés, "
        "agacé, agacés, peu de choix, manque de choix, pas de choix, toujours pareil, toujours le même, "
        "toujours la même, toujours les mêmes, pareil tous les jours, monotone, répétitif, répétitive, du "
        "mat, jusqu'à minuit, jusqu'à 1h, jusqu'à 2h, jusqu'à 3h, jusqu'à 4h, jusqu'à 5h, à 5h du matin, à "
        "6h du matin, dès 5h, dès 6h, dès 7h, manquaient, manquent, il manquait, il manque, pas fait, "
        "jamais fait, pas été fait, jamais été fait, pas faite, pas été faite, bas de gamme, magané, "
        "maganée, maganés, frette, achalant, achalante, craint, vieille, marche pas, marchait pas, "
        "marchaient pas, fonctionne pas, fonctionnait pas, fonctionnaient pas, ferme pas, fermait pas, "
        "fermaient pas, ferme mal, fermait mal, ouvre pas, ouvrait pas, allume pas, allumait pas, répond "
        "pas, répondait pas, chauffe pas, chauffait pas, passe pas, passait pas, coule pas, coulait pas, "
        "une heure pour, une demi heure pour, une heure au, une demi heure au, une demi heure de, une heure "
        "d'attente, heure d'attente, heures d'attente, minutes d'attente, fermée pour travaux, fermé pour "
        "travaux, fermés pour travaux, en travaux, n'est que, n'était que, n'y a que, n'y avait que, n'y a "
        "qu, n'y avait qu, n'a que, n'avait que, n'a qu, n'avait qu, n'est qu, n'était qu, ne fonctionne "
        "que, ne fonctionnait que, ne marche que, ne marchait que, n'est servi que, n'était servi que, "
        "n'est ouvert que, n'était ouvert que, n'est ouverte que, n'était ouverte que, ne capte que, ne "
        "passe que, ne passait que, ne propose que, ne proposait que, n'ont que, n'avaient que, ne sont "
        "que, n'étaient que, n'accepte que, n'acceptait que, sans frapper, grillé, grillée, grillés, "
        "grillées, vieillotte, vieillottes, vieillots, mis longtemps, mis du temps, mis des heures, mis une "
        "heure, mis une éternité, des plombes, une plombe, des heures, débranché, débranchée, creux, "
        "différent des photos, différente des photos, fermait tôt, ferme tôt, fermée tôt, fermé tôt, trop "
        "tôt, trop tard",
        -1.5: "éternité, une éternité, glauque, craignos, mal au dos, impossible, introuvable, abusé, en "
        "panne, hors service, dangereux, délabré, délabrée, miteux, miteuse, impossible de dormir, pas pu "
        "dormir, empêché de dormir, laisse à désirer, laissait à désirer, laissent à désirer, laissaient à "
        "désirer, brûlant, brûlante, bouillant, bouillante, glacé, glacée, glacés, glacées, une vraie "
        "galère, une galère, hors d'usage, inutilisable, brisé, brisée, brisés, brisées, mal entretenu, mal "
        "entretenue, mal entretenus, mal tenu, mal tenue, mal équipé, mal placé, mal indiqué, trop mou, "
        "trop mous, trop molle, trop molles, trop dur, trop durs, trop dure, trop dures, de mauvaise "
        "qualité, mauvaise qualité, piscine verte, eau verte, était verte, a lâché, ont lâché, lâché, rien "
        "à voir avec les photos, photos trompeuses, trompeuse, trompeuses, trompeur, mensonger, mensongère",
        -2: "horrible, affreux, affreuse, terrible, catastrophique, catastrophe, épouvantable, "
        "inacceptable, inadmissible, dégoûtant, dégoûtante, immonde, à éviter, plus jamais, nul, nulle, "
        "honteux, honte, lamentable, scandaleux, déplorable, cauchemar, exécrable, inexistant, inexistante, "
        "immangeable, pire, glacial, glaciale, insupportable, imbuvable, chaleur d'enfer, nuit d'enfer, à "
        "fuir, fuyez, scandale, minable, pourri, pourrie, pourris, merdique, infect, infecte, nul à chier, "
        "cauchemardesque",
    },
    "es": {
        2: "excelente, excelentes, perfecto, perfecta, perfectos, maravilloso, "
        "maravillosa, chévere, chéveres, padrísimo, padrísima, padrísimos, qué padre, bacán, "
        "bacano, bacana, bacanísimo, brutal, de maravilla, a las mil maravillas, una "
        "pasada, de rechupete, un diez, todo un diez, un 10, de 10, lujo, un lujo, lujazo, "
        "top, exquisito, exquisita, fabuloso, fabulosa, sensacional, divino, divina, "
        "alucinante, flipante, chulísimo, chulísima, bárbaro, bárbara, regio, regia, "
        "macanudo, buenazo, joya, una joya, bestial, de película, de cine, como en casa, "
        "nos sentimos como en casa, nos sentimos en casa, nada que objetar, nada que "
        "reprochar, nada que decir, cero quejas, ni una queja, ninguna queja, sin quejas, "
        "sin pegas, ninguna pega, cero pegas, de primera, de categoría, inolvidable, "
        "una nube, como una nube, como en una nube, sin un solo corte, sin cortes, sin "
        "un corte, sin interrupciones, ni un corte, ni un solo corte, sin cobrar nada, "
        "sin cobrarnos, sin costo extra, sin coste extra, sin costo adicional, sin coste "
        "adicional, sin cargo, sin cargo extra, sin cargo adicional, sin pagar nada, sin "
        "que se lo pidiéramos, sin que lo pidiéramos, sin pedirlo, sin pedírselo, sin "
        "pedir nada, iba volando, va volando, volaba, vuela, rapidísimo, rapidísima, "
        "enorme, enormes, gigante, gigantesca, gigantesco, "
        "fantástico, espectacular, increíble, "
        "estupendo, estupenda, magnífico, magnífica, delicioso, deliciosa, "
        "riquísimo, buenísimo, buenísima, genial, inmejorable, lo mejor, el "
        "mejor, la mejor, de lujo, recomiendo, muy recomendable, 10 de 10, 10/10, nota 10, "
        "encantó, "
        "encantado, encantada, excepcional, impresionante, maravilla, una "
        "maravilla, de diez",
        1.5: "muy bien, muy bueno, muy buena, agradable, bonito, bonita, precioso, "
        "preciosa, rico, rica, sabroso, sabrosa, estupendamente, fenomenal, "
        "ideal, repetiremos, repetiría, repetiremos sin duda, lindo, linda, "
        "lindos, lindas, volvería, volveríamos, regresaremos, regresaría, regresaríamos, "
        "volveremos sin duda, sin duda volveremos, repetir, repetimos, guay, chulo, chula, "
        "chulos, chulas, coqueto, coqueta, limpito, amplísimo, "
        "amplísima, nos subieron de categoría, nos subieron la categoría, nos subieron, "
        "upgrade, nos mejoraron la habitación, nos regalaron, regalaron, nos obsequiaron, "
        "detallazo, todo un detalle, un detalle, qué detalle, nos sorprendieron, agradecidos, "
        "agradecido, encantadora, encantador, genialidad, espaciosísimo, descansamos, "
        "dormimos de maravilla, dormimos genial, dormimos muy bien, dormimos como bebés, "
        "dormimos como un bebé, como un bebé, cómodísimo, buenísimo, riquísimo, "
        "recién hecho, recién hechos, recién hecha, recién hechas, recién horneado, "
        "recién exprimido, recién exprimida, hecho al momento, hechos al momento, al "
        "momento, casero, casera, caseros, caseras, de verdad, repetíamos, repetía, "
        "notita, una notita, chocolates, bombones, chocolatinas, nos esperaba, regalo, "
        "de regalo, de cortesía, cortesía, bienvenida, copa de bienvenida, detallito, "
        "resolvieron, lo resolvieron, nos lo resolvieron, solucionaron, lo "
        "solucionaron, en dos minutos, en un minuto, en cinco minutos, en nada, "
        "abierto, abierta, 24 horas, 24h, nos consintió, nos consintieron, sin ningún "
        "problema, sin ningún inconveniente, sin ninguna pega, sin problema alguno, nos "
        "pidieron un taxi, nos llamaron un taxi, nos reservaron, tenía de todo, había de "
        "todo, de todo, en su punto, no se podía pedir más, no se puede pedir más, no se "
        "podía pedir mejor, no se puede pedir mejor, no podía ser mejor, no puede ser "
        "mejor, otro nivel, de otro nivel, de otro mundo, la más cómoda, la más "
        "cómoda, el más cómodo, ducha de lluvia, con ganas de volver, ganas de volver, "
        "deseando volver, nos arreglaban la habitación, arreglaban la habitación, otra "
        "liga, de otra liga, nos consiguió, nos consiguieron, por nuestro nombre, por el "
        "nombre, nada era demasiado, nada era mucho pedir, para nosotros solos, disponible, "
        "disponibles, nos cuidaron, nos sentimos cuidados, bien cuidados, con una sonrisa, "
        "siempre con una sonrisa, sonrisa, sonrisas, "
        "vista tremenda, vistas tremendas, como nunca, dormí como nunca, "
        "dormimos como nunca, una gloria, "
        "de gloria, gloria, todo lo necesario, todo lo que necesitábamos, no le faltaba "
        "nada, no faltaba nada, sin cobrar, sin cobrarnos nada",
        1: "bien, bueno, buena, buen, buenos, buenas, cómodo, cómoda, cómodos, "
        "cómodas, amplio, amplia, espacioso, espaciosa, moderno, moderna, "
        "fresco, fresca, rápido, rápida, eficiente, práctico, fácil, variado, "
        "variada, abundante, grande, satisfecho, contentos, contento, gracias, "
        "recomendable, acogedor, acogedora, gustó, gustaron, sin problemas, "
        "ningún problema, renovado, luminoso, luminosa, completo, generoso, "
        "disfrutamos, funciona, funcionaba, anda, andaba, llega, llegaba, "
        "gratis, gratuito, gratuita, incluido, rápidamente, seguro, segura, "
        "volver, volveremos, bien equipado, bien equipada, cerca de todo, a "
        "pasos, cambiaron, cambiadas, cambiado, cambiados, ayudaron, ayudó",
        0.5: "tapan, tapa, enseguida, en seguida, al instante, de inmediato, inmediatamente",
        0.3: "correcto, correcta, aceptable, normal, pasable, ok, vale, decente, blando, blanda, alto, altos",
        -0.3: "regular",
        -0.5: "lástima, pena, solo, sólo, faltaba, faltan, falta, básico, básica, "
        "desafortunadamente, lamentablemente, por desgracia, caliente",
        -1: "malo, mala, mal, pequeño, pequeña, pequeños, diminuto, diminuta, "
        "estrecho, frío, fría, fríos, frías, duro, dura, viejo, vieja, antiguo, "
        "anticuado, anticuada, desgastado, roto, rota, rotos, estropeado, "
        "averiado, lento, lenta, incómodo, incómoda, decepcionante, "
        "decepcionado, decepcionados, decepción, problema, problemas, mediocre, "
        "largo, larga, lejos, oscuro, oscura, fino, finas, atascado, fuga, "
        "insípido, soso, sosa, tibio, tibia, débil, no funcionaba, no funciona, "
        "error, olvidaron, abarrotado, lleno, complicado, difícil, húmedo, "
        "húmeda, escaso, escasa, deficiente, mejorable, cutre, se cortaba, "
        "fallaba, nada especial, nada del otro mundo, tardaba, tardaron, tardó, "
        "tarda, falló, fallo, se paraba, paraba, feo, fea, hundido, pegajoso, "
        "quemado, de pago, objetar, queja, quejas, quejarse, pega, pegas, "
        "demasiado poco, cerrado, cerrada, inestable, goteaba, perdía agua, "
        "flojo, floja, necesita una reforma, necesita renovación, desbordado, "
        "desbordados, helado, helada, no paraba, vacío, vacía, vacíos, toda la "
        "noche, chico, chica, bien feo, bien fea, bien chiquito, bien chiquita, bien "
        "pequeño, bien pequeña, bien incómodo, bien incómoda, bien viejo, bien vieja, bien "
        "lento, bien lenta, bien malo, bien mala, bien frío, bien fría, bien duro, bien "
        "dura, bien caro, bien cara, bien ruidoso, bien ruidosa, chiquito, chiquita, chiquitos, chiquitas, "
        "chiquitito, "
        "chiquitita, pequeñito, pequeñita, minúsculo, minúscula, enano, enana, flojito, "
        "flojita, normalito, normalita, regularcito, regulín, ni fu ni fa, así así, más "
        "o menos, del montón, dejaba mucho que desear, deja mucho que desear, dejó mucho "
        "que desear, deja que desear, dejaba que desear, dejan que desear, una tabla, "
        "como una tabla, una piedra, como una piedra, como piedra, hecho polvo, hecha "
        "polvo, hechos polvo, hechas polvo, vencido, vencida, se hundía, se hunde, "
        "hundida, destartalado, destartalada, deteriorado, deteriorada, descascarado, "
        "desconchado, desconchada, oxidado, oxidada, gastado, gastada, gastadas, "
        "gastados, raído, raída, raídas, rasgado, rasgada, agujero, agujeros, agujereado, "
        "agujereada, descosido, tapado, tapada, atascada, atascado, se atascaba, "
        "desbordaba, se desbordaba, se salía el agua, inundado, inundada, se inundó, "
        "gotea, goteo, gotera, goteras, goteaban, chorreaba, no cerraba, no cierra, no "
        "cerraban, no abría, no abre, no enfriaba, no enfría, no calentaba, no calienta, "
        "no prendía, no prende, no encendía, no enciende, no servía, no sirve, no "
        "servían, no iba, no va, no andaba, no anda, no tiraba, no jalaba, no salía, no "
        "salía agua, no funcionó, no funcionaban, no funcionan, se caía, se cae, se "
        "caían, se iba la luz, se iba, sin agua, sin luz, nunca llegó, nunca llegaron, "
        "nunca vino, nunca vinieron, nunca funcionó, nadie vino, nadie venía, "
        "nadie en, nadie en recepción, faltaban, faltaron, faltó, no quedaba, no quedaban, se "
        "acabó, se acabaron, se acababa, no estaba lista, no estaba listo, no estaban "
        "listas, no estaba preparada, no estaba hecha, tuvimos que, tuve que, hubo que, "
        "tuvimos que pedir, tuvimos que reclamar, tuvimos que insistir, tuvimos que "
        "llamar, tuvimos que cambiar, tuvimos que bajar, varias veces, pedimos varias "
        "veces, pedirlo varias veces, reclamamos, reclamar, reclamación, quejamos, nos "
        "quejamos, nadie nos dijo, no nos avisaron, no avisaron, sin avisar, nos "
        "cambiaron de habitación, ruidosísimo, mohoso, agrietado, rajado, sucio, "
        "chirriaba, chirría, crujía, cruje, parpadeaba, de mala calidad, mala calidad, "
        "baja calidad, poca variedad, escasito, escasita, tacaño, aguado, aguada, "
        "grasiento, grasienta, crudo, cruda, recocido, muy salado, "
        "muy salada, correoso, rancio, rancia, caducado, caducada, no era como en las fotos, "
        "no se parece a las fotos, nada que ver con las fotos, publicidad engañosa, "
        "engañoso, engañosa, tristón, triste, deprimente, lúgubre, agobiante, "
        "claustrofóbico, sin ventana, cutrísimo, cutrísima, cutres, nada "
        "limpio, nada limpia, malito, malita, maluco, maluca, fome, no estaba a la altura, "
        "no está a la altura, decepcionó, decepcionaron, nos decepcionó, no subía, no "
        "bajaba, no conectaba, no cargaba, no secaba, no se encendía, no se apagaba, no "
        "se abría, no se cerraba, no tiraba la cadena, no corría el agua, no aparecía, "
        "apagado, apagada, apagados, apagadas, fue un show, un show, un circo, un caos, "
        "caos, un lío, un follón, un rollo, aplastada, aplastadas, como "
        "una tortilla, como tortilla, en polvo, de polvo, huevos de polvo, de bote, "
        "zumo de bote, jugo de caja, de caja, de sobre, café de máquina, de máquina, "
        "congelado, congelados, precocinado, precocinados, recalentado, recalentada, de "
        "lata, industrial, industriales, para un cuatro estrellas, para un cinco "
        "estrellas, para ser un cuatro estrellas, para ser un cinco estrellas, para un "
        "hotel de, para colmo, y encima, trajeron otra cosa, se equivocaron, "
        "equivocado, equivocada, daba a un muro, a un muro, a una pared, daba al patio, "
        "patio interior, siempre lo mismo, lo mismo todos los días, siempre igual, lo "
        "mismo de siempre, repetitivo, repetitiva, monótono, monótona, rechinaba, "
        "rechina, rechinaban, perdía agua, pierde agua, una hora para, media hora para, "
        "casi una hora, se murió, murió, se moría, muerto, muerta, "
        "nunca pedimos, no pedimos, que no pedimos, que nunca pedimos, "
        "no consumimos, que no consumimos, sin usar, sin usarlo, sin usarla, ni "
        "usamos, no usamos, llegó a medianoche, llegó tarde, llegaron tarde, llegó una "
        "hora después, llegó horas después, dejaron de funcionar, dejó de funcionar, "
        "dejaba de funcionar, dejó de andar, dejaron de andar, no cerraba bien, no "
        "cierra bien, no funcionaba bien, no funciona bien, no iba bien, no va bien, se "
        "mojaba todo, se mojaba, se moja todo, se inundaba, encharcado, charco, charcos, "
        "subimos a pie, subir a pie, subir andando, subimos andando, por las escaleras, "
        "solo llegaba, solo funcionaba, solo funciona, solo llega, solo en el vestíbulo, "
        "solo en recepción, dieron nuestra habitación, dieron la habitación, acabamos en "
        "otro hotel, nos mandaron a otro hotel, nos reubicaron, nos enviaron a otro "
        "hotel, cortada, leche cortada, agria, agrio, pasada de fecha, en mal estado, mal "
        "estado, costaba más que, cuesta más que, más caro que, nos tuvo despiertos, "
        "despiertos, desvelados, no pegamos ojo, no pegué ojo, sin pegar ojo, "
        "descuidado, descuidada, descuidados, descuidadas, abandonado, abandonada, "
        "gritos, gritaban, gritando, chillidos, chillando, llantos, de otro huésped, de "
        "otros huéspedes, del huésped anterior, huésped anterior, clientes anteriores, "
        "mano de pintura, una mano de pintura, daba a los contenedores, a los "
        "contenedores, contenedores, desaparecido, desaparecida, desapareció, feito, feíto, feita, "
        "fundido, fundida, "
        "fundidos, se fundió, se trababa, se traba, trabado, trabada, se trabó, atorado, "
        "atorada, se atoraba, no agarraba, no agarra, no cogía, no pillaba, no llegaba, "
        "mosquitos, zancudos, moscos, moscas, jejenes, picaduras, nos picaron, un relajo, "
        "relajo, un despelote, despelote, un quilombo, quilombo, un desmadre, desmadre, "
        "lo único malo, lo único negativo, el único "
        "pero, la única pega, única pega, lo único mejorable, lo único que falló, para tirar, "
        "estaban para tirar, para "
        "jubilar, había que hacer cola, hacer cola, salía marrón, agua marrón, marrón, agua "
        "turbia, turbia, precios de risa, de risa, ni se esforzaba, no se esforzaba, ni se "
        "esforzaron, sin ganas, cero ganas, se desconectaba, se desconecta, se "
        "desconectaban, desconectaba, descompuesto, descompuesta, descompuestos, "
        "se descompuso, hecho pelota, hecha pelota, se rompió, pozo, un pozo, no tanto, "
        "no tan bien, no tanto así, viejito, viejita, viejitos, viejitas, medio pelo, de "
        "medio pelo, ni se inmutaron, ni se inmutó, quemadura, quemaduras, tres llamadas, dos "
        "llamadas, varias llamadas, llamamos dos veces, llamamos tres veces, llamamos "
        "varias veces, tras varias llamadas, como ladrillos, como un ladrillo, como una "
        "roca, como cartón, como piedras, como un horno, una sauna, como una sauna, una "
        "caja de zapatos, como una celda, una celda, colgando, colgaba, descolgada, "
        "descolgado, supuestamente era gratis, se suponía que era gratis, supuestamente "
        "incluido, supuestamente gratis, que iba a ser gratis, supuestamente, se suponía, "
        "ojos en blanco, perdieron, perdió, extraviaron, se perdió, fuera de servicio, "
        "fuera de uso, no disponible, inhabilitado, inhabilitada, sin vaciar, ocupadas, "
        "ocupados, todas ocupadas, ya ocupadas, parpadeaba, parpadeaban, pitaba, pitó, "
        "pitando",
        -1.5: "un horno, horno, daba miedo, miedo, imposible, eternidad, una "
        "eternidad, dolor de espalda, inseguro, insegura, peligroso, ignoraron, "
        "ignoró, ni caso, no hizo caso, no nos hicieron caso, no hicieron caso, "
        "no nos hizo ni caso, no hizo ni caso, no nos hicieron ni caso, no "
        "hicieron ni caso, no pudimos dormir, no pude dormir, no dejaba dormir",
        -2: "horrible, horribles, terrible, terribles, pésimo, pésima, fatal, "
        "asqueroso, asquerosa, asco, inaceptable, lamentable, desastre, "
        "desastroso, desastrosa, nunca más, evitar, vergüenza, vergonzoso, "
        "penoso, peor, el peor, la peor, inexistente, incomible, insoportable, "
        "una pesadilla, pesadilla, nefasto, imbebible, abuso, un abuso, porquería, una "
        "porquería, basura, una basura, un asco, da asco, daba asco, una mierda, mierda, "
        "pocilga, un desastre, hecho un desastre, hecha un desastre, de terror, horroroso, "
        "horrorosa, espantoso, espantosa, infame, deplorable, lamentables, cutrísimo, "
        "no volveremos, no volvería, no volveré, no repetiría, no repetiremos, no lo "
        "recomiendo, no recomiendo, no lo recomendaría, no recomendable, para nada "
        "recomendable, nunca jamás, jamás volveré, tomadura de pelo, una tomadura de pelo, "
        "una vergüenza, indignante, indignado, indignados, lamentablemente mal, "
        "infumable, una estafa, malísimo, malísima, pésimamente, fatal de, un horror, "
        "horror, de pena, da pena, daba pena, malísimos",
    },
    "it": {
        2: "eccellente, eccellenti, perfetto, perfetta, perfetti, perfette, "
        "meraviglioso, meravigliosa, fantastico, fantastica, spettacolare, "
        "incredibile, stupendo, stupenda, magnifico, magnifica, delizioso, "
        "deliziosa, squisito, squisita, ottimo, ottima, ottimi, ottime, "
        "splendido, splendida, super, il migliore, consiglio vivamente, "
        "eccezionale, favoloso, favolosa, impeccabile, buonissimo, buonissima, "
        "strepitoso, straordinario, comodissimo, comodissima, benissimo, il "
        "massimo, top, mozzafiato, spettacolo, uno spettacolo, meraviglia, una "
        "meraviglia, meraviglie, da sogno, un sogno, paradiso, un paradiso, il top, "
        "top del top, dieci e lode, da dieci e lode, 10 e lode, da 10, da dieci, "
        "superlativo, superlativa, divino, divina, sublime, da urlo, da favola, "
        "favola, una favola, da dio, si dorme da dio, dormito da dio, una chicca, "
        "chicca, una perla, perla, un gioiello, gioiello, oltre le aspettative, "
        "sopra le aspettative, superato le aspettative, fenomenale, mitico, mitica, "
        "mitici, una bomba, una figata, figata, fighissimo, impagabile, "
        "indimenticabile, magico, magica, incantevole, da 5 stelle, da cinque "
        "stelle, abbiamo adorato, adorato, adorata, complimenti, non manca niente, "
        "non manca nulla, non mancava niente, non mancava nulla, non è mancato "
        "nulla, non è mancato niente, non mancava proprio niente, non manca proprio "
        "nulla, niente da invidiare, non ha niente da invidiare, nulla da invidiare, "
        "non ha nulla da invidiare, da rifare domani, da rifare subito, da ripetere, "
        "esperienza da rifare, sentire a casa, sentirci a casa, sentirsi a casa, fatto "
        "sentire a casa, sembrava di stare a casa, sembrava di essere a casa, di stare "
        "a casa, di essere a casa, un amore, era un amore, sono un amore, un tesoro, "
        "le foto non rendono giustizia, non rendono giustizia, non rende giustizia, "
        "non vediamo l'ora di tornare, non vedo l'ora di tornare, che vola, vola, in "
        "un attimo, in un lampo, in due minuti, in cinque minuti, in pochi minuti, in "
        "2 minuti, in 5 minuti, in un minuto, reggeva, regge, tranquillamente, una "
        "comodità, comodità, non da poco, dormito come bambini, come bambini, come un "
        "bambino, ci ha stupito, ci hanno stupito, stupiti, sorpresi positivamente, "
        "positivamente, punto forte, il suo punto forte, punto di forza, trattati come "
        "re, come dei re, come re, trattati benissimo, ci hanno trattato benissimo, "
        "sentire speciali, speciali, molto di più, abbiamo avuto molto di più, più di quanto ci "
        "aspettassimo, non ci è mancato nulla, non ci è mancato niente, "
        "non ci mancava niente, non ci mancava nulla, doccia a pioggia, doccia "
        "emozionale, buonino, buonina",
        1.5: "molto bene, molto buono, molto buona, bellissimo, bellissima, "
        "piacevole, bello, bella, belle, belli, gustoso, gustosa, carino, "
        "carina, consigliato, consiglio, ideale, tornerei, ci torneremo, come a "
        "casa, come a casa nostra, sentiti a casa, sentite a casa, da tornare, dove "
        "tornare, ci tornerò, tornerò, ritorneremo, ritornerò, torneremmo, ci "
        "ritorneremo, ci ritornerò, lo consiglio, la consiglio, consiglierei, "
        "consigliamo, consiglio a tutti, upgrade, l'upgrade, omaggio, in omaggio, "
        "regalato, ci hanno regalato, ci hanno offerto, una sorpresa, bella "
        "sorpresa, piacevole sorpresa, ci hanno fatto trovare, fatto trovare, nuovo "
        "di zecca, nuova di zecca, nuovi di zecca, nuovissimo, nuovissima, "
        "rinnovato, rinnovata, rinnovati, rinnovate, appena ristrutturato, appena "
        "ristrutturata, curato nei dettagli, curata nei dettagli, attenzione ai "
        "dettagli, cura dei dettagli, calorosamente, caloroso, calorosa, calorosi, "
        "affettuosi, familiare, atmosfera familiare, ambiente familiare, ben "
        "tenuto, ben tenuta, ben tenuti, tenuto benissimo, rilassante, relax, "
        "suggestivo, suggestiva, pittoresco, romantico, romantica, panoramico, "
        "panoramica, dormito benissimo, dormito bene, si dorme bene, si dorme "
        "benissimo, dormito come un ghiro, come un ghiro, dormito come un sasso, "
        "dormito come sassi, dormito divinamente, una nuvola, come una nuvola, "
        "merita, merita davvero, meritava, promosso, promossa, promossi, "
        "azzeccato, azzeccata, stracomodo, stracomoda, strabuono, bellino, "
        "bellina, grazioso, graziosa, graziosi, felice, felici, entusiasti, "
        "entusiasta, innamorati, ci siamo innamorati, niente da ridire, nulla da "
        "ridire, niente da eccepire, nulla da eccepire, non c'era niente da "
        "ridire, non c'è niente da dire, non c'è nulla da dire, non c'era niente "
        "da dire, nulla da dire, niente da dire, nessuna lamentela, nessun "
        "reclamo, nessun difetto, zero problemi, nessun intoppo, senza intoppi, senza un "
        "intoppo, senza chiedere nulla, senza chiedere niente, senza che chiedessimo, "
        "senza chiedere, senza farci pagare, senza farci pagare niente, senza "
        "pagare, senza supplemento, senza costi aggiuntivi, gratuitamente, "
        "cioccolatini, cioccolatino, un pensierino, pensierino, un regalino, "
        "regalino, biglietto di benvenuto, bigliettino, un bigliettino, si vede il "
        "mare, si vede tutto, si vedeva il mare, si vede il golfo, si vede tutta la "
        "città, si vede il lago",
        1: "bene, buono, buona, buoni, buone, buon, comodo, comoda, comodi, "
        "comode, confortevole, confortevoli, spazioso, spaziosa, ampio, ampia, "
        "moderno, moderna, fresco, fresca, freschi, veloce, rapido, rapida, "
        "efficiente, pratico, pratica, facile, vario, varia, variegato, "
        "abbondante, grande, soddisfatto, soddisfatti, contento, contenti, "
        "grazie, accogliente, nessun problema, senza problemi, ristrutturato, "
        "ristrutturata, luminoso, luminosa, ricco, ricca, generoso, piaciuto, "
        "piaciuta, piaciuti, funziona, funzionava, prende, prendeva, arriva, "
        "arrivava, gratis, gratuito, gratuita, incluso, velocemente, sicuro, "
        "sicura, tornare, torneremo, ben attrezzato, ben attrezzata, a due "
        "passi, cambiato, cambiati, cambiate, cambiata, aiutato, aiutati, "
        "aiutata, rassicurante, all'altezza, un granché, granché, meglio, "
        "migliore, migliori, funzionavano, funzionano, funzionante, funzionanti, "
        "stabile, potente, pronto, pronta, pronti, risolto, risolta, risolti, "
        "puntuale, puntuali, giusto, giusta, giusti, giuste, offerto, offerta, "
        "concesso, concessa, bono, bona, boni, bone, figo, fighi, gradito, "
        "gradita, graditi, superiore, finalmente, sparecchiato, sparecchiata, "
        "sparecchiati, come da descrizione, "
        "corrispondente alla descrizione, come nelle foto, come in foto, fedele alle "
        "foto, meno male, rinfrescava, raffreddava, scaldava, riscaldava",
        0.7: "rifatto, rifatta, rifatti, rifatte, sistemato, sistemata, riparato, "
        "riparata, svuotato, svuotati, svuotata, rispettato",
        0.5: "oscurano, oscura, vero, vera, veri, vere, enorme, enormi",
        0.3: "discreto, discreta, accettabile, normale, nella media, sufficiente, "
        "ok, decente, corretto, passabile, alto, alti, alta, morbido, morbida",
        -0.5: "peccato, purtroppo, solo, soltanto, mancava, mancavano, manca, basico, "
        "essenziale, migliorabile, così così, caldo, calda, finito, finita, finiti, "
        "finite, pazienza, ancora da pulire, ancora da rifare, ancora da sistemare",
        -1: "male, cattivo, cattiva, piccolo, piccola, piccoli, piccole, minuscolo, "
        "minuscola, stretto, stretta, freddo, fredda, freddi, fredde, duro, "
        "dura, duri, vecchio, vecchia, vecchi, datato, datata, usurato, rotto, "
        "rotta, rotti, guasto, lento, lenta, scomodo, scomoda, scomodi, "
        "deludente, deluso, delusi, delusa, delusione, problema, problemi, "
        "mediocre, lungo, lunga, lontano, lontana, buio, buia, sottile, "
        "sottili, bloccato, perdita, insipido, scarso, scarsa, scarse, tiepido, "
        "tiepida, debole, non funzionava, non funziona, errore, dimenticato, "
        "affollato, affollata, complicato, difficile, umido, umida, "
        "insufficiente, scadente, fatiscente, cadeva, niente di speciale, nulla "
        "di speciale, lunghissimo, lunghissima, sfondato, appiccicoso, "
        "bruciato, a pagamento, ridire, lamentarsi, lamentele, lamentela, "
        "chiuso, chiusa, chiusi, instabile, perdeva, perdeva acqua, gocciolava, "
        "oberati, da rinnovare, da ristrutturare, insomma, vuoto, vuota, vuoti, "
        "tutta la notte, pieno, piena, sempre pieno, brutto, brutta, brutti, brutte, "
        "bruttino, bruttina, intasato, intasata, intasati, otturato, otturata, "
        "ostruito, ostruita, incastrato, incastrata, staccato, staccata, "
        "staccati, si staccava, traballante, traballanti, bucato, bucata, bucati, "
        "strappato, strappata, strappati, strappate, consumato, consumata, "
        "consumati, consumate, logoro, logora, logori, liso, lisa, lisi, "
        "scrostato, scrostata, scrostati, scrostate, ammaccato, crepe, crepa, "
        "danneggiato, danneggiata, danneggiati, ingiallito, ingiallita, "
        "ingialliti, ingiallite, cigolava, cigola, cigolante, cigolavano, "
        "scricchiolava, scricchiola, scricchiolante, scricchiolii, gocciola, "
        "gocciolavano, perde, perdevano, perde acqua, perdevano acqua, perdita "
        "d'acqua, infiltrazioni, infiltrazione, spifferi, spiffero, entrava il "
        "freddo, entrava aria, non si chiudeva, non si chiude, non chiudeva, non "
        "chiude, non si apriva, non si apre, non si chiudevano, non andava, non va, "
        "non vanno, non andavano, non è andato, non partiva, non funzionavano, non "
        "funzionano, non funzionante, non funzionanti, fuori uso, in manutenzione, "
        "non disponibile, non era disponibile, non c'era più niente, non c'era più "
        "nulla, non c'era niente, non c'era nulla, era finito tutto, finito tutto, "
        "dovuto chiedere, abbiamo dovuto, ho dovuto, dovuto chiamare, dovuto "
        "insistere, dovuto richiedere, chiesto più volte, più volte, "
        "ripetutamente, segnalato, abbiamo segnalato, ho segnalato, lamentato, "
        "lamentati, ci siamo lamentati, reclamo, reclami, protestato, zanzare, "
        "zanzara, mosche, ci hanno messo, ci è voluto, ci è voluta, ci sono "
        "volute, ci sono voluti, per ore, salato, salata, freddino, freddina, "
        "freddini, gelido, gelida, gelidi, gelide, ghiacciato, ghiacciata, "
        "ghiacciati, bollente, bollenti, afa, afoso, afosa, soffocante, si "
        "soffocava, si gelava, faceva freddo, faceva caldo, sbagliato, sbagliata, "
        "sbagliati, sbagliate, sbaglio, scordato, scordati, mancante, mancanti, "
        "mancanza, mancato, mancata, assente, assenti, approssimativo, "
        "approssimativa, sciatto, sciatta, trasandato, trasandata, modesto, "
        "modesta, spartano, spartana, povero, povera, poveri, triste, tristi, "
        "deprimente, anonimo, anonima, sottotono, rivedibile, da rivedere, da "
        "migliorare, lasciava a desiderare, lascia a desiderare, lasciano a "
        "desiderare, lasciavano a desiderare, poteva andare meglio, poteva essere "
        "migliore, potrebbe essere migliore, si poteva fare di più, niente di che, "
        "nulla di che, non granché, a malapena, saltava, a singhiozzo, sempre "
        "uguale, ripetitivo, ripetitiva, monotono, monotona, pronto soccorso, "
        "pecca, unica pecca, l'unica pecca, difetto, unico difetto, l'unico "
        "difetto, nota dolente, unica nota dolente, nota negativa, unica nota "
        "negativa, punto debole, unico neo, neo, ancora occupata, era ancora "
        "occupata, non va bene, non andava bene, non andava per niente bene, "
        "fermo, ferma, fermi, ferme, spento, spenta, spenti, spente, a fatica, a "
        "vuoto, se va bene, chiesto due volte, "
        "chiesto tre volte, chiesto quattro volte, chiesto mille volte, chiamato due "
        "volte, chiamato tre volte, chiamato quattro volte, chiamato più volte, "
        "richiesto più volte, sollecitato, sollecitare, mai arrivati, mai arrivato, "
        "mai arrivata, mai arrivate, non sono mai arrivati, mai passata, mai passato, "
        "mai passati, mai venuto, mai venuta, mai venuti, per lavori, chiuso per "
        "lavori, chiusa per lavori, in ristrutturazione, a piedi con le valigie, su "
        "un cortile, su un muro, sul muro, cavedio, intoppo, intoppi, "
        "per un quattro stelle, per un 4 stelle, per un cinque stelle, per un 5 "
        "stelle, per un tre stelle, per un 3 stelle, invadente, invadenti, rimborso, "
        "chiesto il rimborso, introvabile, introvabili, scarno, scarna, scarni, "
        "scarne, ridotto, ridotta, ridotti, piccolina, piccolino, piccoline, "
        "piccolini, strettina, strettino, durino, durina, vecchiotto, vecchiotta, "
        "vecchiotti, datatino, datatina, scomodino, caldino, lentino, lentina, "
        "scarsino, scarsina, sporchino, sporchina, anni 80, anni 70, anni 90, anni "
        "ottanta, anni settanta, da sistemare, andrebbe sistemato, andrebbe "
        "rinnovato, andrebbero sostituiti, avrebbe bisogno di, ha bisogno di, una "
        "rinfrescata, invece di, invece della, invece del, invece che, cambiare "
        "camera, cambiato camera, ci hanno spostato, ci hanno spostati, telefonate, "
        "tre telefonate, dopo tre telefonate, dopo due telefonate, a metà, pagare di "
        "nuovo, pagare due volte, farci pagare, volevano farci pagare, bottiglie "
        "aperte, solo quando, solo su richiesta, solo se richiesto, quando l'abbiamo "
        "chiesto, non c'è niente da fare, non c'era niente da fare, non c'è nulla da "
        "fare, niente da fare, non scaricava, non scarica, "
        "non defluiva, non defluisce, ristagnava, acqua stagnante, decisamente meno, "
        "molto meno, parecchio meno, non faceva freddo, non "
        "raffreddava, non rinfrescava, non scaldava, non riscaldava, non si "
        "accendeva, non si accendevano, non si accende, non si scaldava, non si "
        "scalda, ruvido, ruvida, ruvidi, ruvide, grigi, ingrigiti, sfilacciati, "
        "sfilacciato, buca, una buca, buche, piazza e mezza, una piazza e mezza, letto "
        "a una piazza, piano terra, seminterrato, interrato, sottoscala, vicino alle "
        "cucine, vicino alla cucina, vicino all'ascensore, vicino ai binari, vicino "
        "alla strada, un'ora, mezz'ora, due ore, tre ore, un'ora e mezza, quasi "
        "un'ora, oltre un'ora, più di un'ora, diversa da quella prenotata, diversa "
        "da quella che avevamo prenotato, non quella prenotata, non corrispondeva, "
        "non corrisponde, diversa dalle foto, diversa dalla descrizione, non era "
        "niente di speciale, non è niente di speciale, non era nulla di speciale, "
        "non è nulla di speciale, non era niente di che, non è niente di che, non era "
        "nulla di che, non aveva niente di speciale, non ha niente di speciale, non "
        "c'era niente di speciale, non c'è niente di speciale",
        -1.5: "si moriva, moriva, impossibile, eternità, un'eternità, mal di schiena, "
        "malfamata, malfamato, pericoloso, fuori servizio, ignorato, ignorati, "
        "ignorata, trascurato, trascurata, impossibile dormire, non siamo "
        "riusciti a dormire, non si dormiva, ci avevano detto, ci avevano promesso, "
        "ci avevano assicurato, ci era stato detto, avevano promesso, non all'altezza, rovinato, rovinata, "
        "rovinati, amarezza, amaro in bocca, arrabbiati, arrabbiato, arrabbiata, "
        "furiosi, imbarazzante, ridicolo, ridicola, ridicoli, assurdo, assurda, "
        "assurdi, squallido, squallida, squallore, scappati, siamo andati via, ce "
        "ne siamo andati, bozzi, bozzo, pieno di bozzi, grumi, bitorzoli, acqua marrone, acqua gialla, "
        "acqua torbida, ruggine, arrugginito, arrugginita, pioveva dentro, ci pioveva "
        "dentro, entrava acqua, entrava la pioggia, andava e veniva, va e viene, a "
        "intermittenza, intermittente, nessun posto per, non c'era posto per, non "
        "c'era spazio per, nessuno spazio per, chiedeva la password, misero, misera, miseri, era zero, "
        "è zero, pari a zero, "
        "zero tacche, sgabuzzino, uno sgabuzzino, loculo, un loculo, un buco, "
        "una cella, una scatoletta, un forno, era un forno, come un forno, era una "
        "sauna, sembrava una sauna, come una sauna, un freezer, una ghiacciaia, era "
        "un frigorifero, sembrava un frigorifero, tavola di legno, una tavola, "
        "un'asse, duro come un sasso, duro come il marmo, come dormire per terra, "
        "dormire per terra, allagato, allagata, allagava, si allagava, "
        "allagamento, acqua dappertutto, acqua ovunque, acqua per terra, delirio, "
        "un delirio, caos, caotico, caotica, disorganizzato, disorganizzata, "
        "disorganizzati, disorganizzazione, casino, un casino, si moriva di freddo, "
        "si moriva di caldo, poco pulito, poco pulita, a gocce, arrivava a gocce, "
        "goccia a goccia, usciva a gocce",
        -2: "orribile, orribili, terribile, terribili, pessimo, pessima, pessimi, "
        "pessime, schifoso, schifosa, disgustoso, inaccettabile, vergognoso, "
        "vergogna, disastro, disastroso, da evitare, mai più, pietoso, incubo, "
        "peggiore, il peggiore, inesistente, immangiabile, insopportabile, "
        "indecente, imbevibile, sconsiglio, sconsigliato, sconsigliamo, "
        "sconsiglierei, sconsigliatissimo, allucinante, agghiacciante, penoso, "
        "penosa, scandaloso, scandalosa, uno scandalo, scandalo, schifezza, una "
        "schifezza, porcheria, una porcheria, fa schifo, faceva schifo, facevano "
        "schifo, fanno schifo, uno schifo, presa in giro, una presa in giro, ci "
        "hanno preso in giro, fregati, ci hanno fregato, ci hanno fregati, "
        "orrendo, orrenda, orrendi, osceno, oscena, da dimenticare, da incubo, "
        "meglio evitare, lasciate perdere, lasciate stare, state alla larga, "
        "stare alla larga, grande come un francobollo, come un francobollo, "
        "francobollo, grande come un armadio, grande come una scatola",
    },
}

NEGATORS: dict[str, str] = {
    "en": "not, no, never, t, dont, didnt, doesnt, wasnt, werent, isnt, arent, cant, couldnt, "
    "wouldnt, hasnt, havent, hadnt, wont, nothing, without, nor, neither, none, hardly, wasn, "
    "weren, isn, aren, didn, doesn, couldn, wouldn, hasn, haven, hadn, lack of, no longer, "
    "could have been, could ve been, should have been, should ve been, would have been, would "
    "ve been, could be, should be, could of been, should of been, would of been, nobody, no "
    "one, we were told, were told, we had been told, "
    "they told us, told us",
    "de": "nicht, kein, keine, keinen, keinem, keiner, keines, nie, niemals, ohne, nichts, wenig, "
    "kaum, weder, nirgends, niemand, niemanden, niemandem, nix, null, nüt, nöd, nid, ned, net, nit, koa, "
    "koan, koane, kei, keis, keini, niemert, kein einziges mal, nicht ein einziges mal, nicht einmal, "
    "schon wieder nicht, immer noch nicht, wieder nicht",
    "fr": "ne, n, pas, jamais, aucun, aucune, sans, rien, ni, guère, nullement, pas de, pas du tout, peu, "
    "non, "
    "n'y avait plus, n'y a plus, n'y avait pas, n'y a pas, n'y avait même pas, n'y a même pas, "
    "même pas, plus aucun, plus aucune",
    "es": "no, nunca, nada, ningún, ninguno, ninguna, sin, jamás, tampoco, ni, nadie, poco, poca, apenas, "
    "nos dijeron que, nos habían dicho que, nos dijeron, se suponía que",
    "it": "non, mai, nessun, nessuno, nessuna, senza, niente, nulla, né, neanche, nemmeno, neppure, "
    "poco, poca, zero, mica, per niente, per nulla, affatto, meno",
}

INTENSIFIERS: dict[str, str] = {
    "en": "all the time, constantly, could not have been more, couldn t have been more, couldnt have "
    "been more, could not be more, couldn t be more, very, really, so, extremely, super, "
    "incredibly, absolutely, totally, truly, particularly, especially, quite, highly, most, "
    "exceptionally, utterly, such, completely, terribly, awfully, pretty, properly, "
    "seriously, insanely, ridiculously, unbelievably, genuinely, amazingly",
    "de": "ständig, dauernd, sehr, total, wirklich, echt, extrem, besonders, äußerst, absolut, "
    "richtig, ziemlich, überaus, so, voll, ganz, wahnsinnig, mega, höchst, huere, huara, ur, sau, irre, "
    "irrsinnig, enorm, unheimlich, ultra, recht, dermaßen, derart, so was von, sowas von",
    "fr": "sans arrêt, sans cesse, constamment, très, vraiment, super, extrêmement, particulièrement, "
    "absolument, totalement, tellement, si, hyper, assez, fort, bien trop, franchement, vrai, vraie, "
    "vrais, vraies, pas mal, carrément, complètement, ultra, méga, ben, full, bien, "
    "vachement",
    "es": "re, sin parar, continuamente, constantemente, muy, realmente, súper, super, extremadamente, "
    "especialmente, absolutamente, totalmente, tan, bastante, sumamente, realmente, "
    "increíblemente, sin duda, sin dudarlo, sin dudas, verdaderamente, "
    "bien bien, re contra, súper súper, recontra, rete, muy muy",
    "it": "in continuazione, continuamente, molto, davvero, veramente, super, estremamente, "
    "particolarmente, assolutamente, totalmente, così, proprio, parecchio, decisamente, tanto, "
    "davvero molto, incredibilmente, tantissimo, piuttosto, alquanto, assai, oltremodo, "
    "enormemente, sempre più, super super, troppo troppo",
}

TOO: dict[str, str] = {
    "en": "too, overly, excessively",
    "de": "zu, übermäßig, allzu, viel zu, z, vill z",
    "fr": "trop, excessivement, beaucoup trop, pas assez, pas suffisamment",
    "es": "demasiado, demasiada, excesivamente",
    "it": "troppo, troppa, eccessivamente",
}

# of INTENSIFIERS, those that alone at the end of a clause are praise ("Frühstück mega")
INTENSIFIER_ALONE: dict[str, str] = {"de": "mega, ur, huere"}

# languages whose negator may follow what it negates ("das WLAN ging nicht")
NEGATION_LOOKS_BACK = frozenset({"de"})

# of TOO, the words that alone at the end of a clause mean "too much" ("..., troppo")
TOO_ALONE: dict[str, str] = {
    "en": "",
    "de": "",
    "fr": "trop, beaucoup trop, pas assez",
    "es": "demasiado, demasiada",
    "it": "troppo, troppa",
}

CONTRAST: dict[str, str] = {
    "en": "but, however, although, though, except, apart from, other than, whereas, on the other "
    "hand, only downside, the only thing",
    "de": "aber, jedoch, doch, allerdings, sondern, trotzdem, obwohl, nur dass, außer, dagegen, "
    "hingegen, dafür, einziger kritikpunkt, einziges manko, nur der, nur die, einziger wermutstropfen, "
    "einziger minuspunkt, einziger nachteil, einziges minus",
    "fr": "mais, cependant, pourtant, par contre, toutefois, néanmoins, sauf, bien que, en revanche, "
    "seul bémol, seul point négatif, quoique, dommage que, dommage qu, sauf que, sinon, à part ça, "
    "à part cela, hormis, excepté, seul hic, le seul hic, seul souci, seul reproche, seul point noir, "
    "petit bémol, un bémol",
    "es": "pero, sin embargo, aunque, excepto, salvo, no obstante, en cambio, lo único, a pesar de, "
    "aun así, mientras que",
    "it": "ma, però, tuttavia, anche se, invece, eccetto, tranne, nonostante, peccato che, "
    "comunque, solo che, mentre, eppure, d'altra parte, d'altro canto",
}

# German: topic stems found inside compounds the lexicon does not know, and feeling
# stems ("superfreundlich", "Straßenlärm"). Longest first; entries folded like the rest.
COMPOUND_STEMS: dict[str, str] = {
    "bathroom": "badezimmer, duschkabine, dusch, toilette, waschbecken, badewanne, handtuch, "
    "handtücher, wasserdruck, warmwasser, haartrockner, badezimmertür",
    "breakfast": "frühstück, buffet, büffet, kaffee, brötchen, rührei, spiegelei, "
    "abendessen, mittagessen, speise, restaurant, getränk, kuchen, wurst, marmelade",
    "room": "zimmer, balkon, fenster, klimaanlage, heizung, aussicht, möbel, kühlschrank, fernseh",
    "staff": "personal, mitarbeiter, rezeption, service, bedienung, kellner, gastgeber",
    "cleanliness": "sauberkeit, reinigung, schimmel, staub, schmutz, dreck, putz",
    "noise": "lärm, geräusch, baustelle, krach",
    "location": "innenstadt, zentrum, strand, bahnhof, haltestelle, altstadt",
    "value": "preis, gebühr, kosten",
    "wifi": "wlan, wifi, internet",
    "checkin": "checkin, checkout, einchecken, auschecken, anreise, abreise, schlüssel, "
    "warteschlange, wartezeit",
    "bed": "bett, matratze, kissen",
    "facilities": "schwimmbad, hallenbad, pool, wellness, fitness, sauna, aufzug, "
    "fahrstuhl, terrasse, whirlpool, spielplatz, becken",
    "parking": "parkplatz, parkhaus, tiefgarage, stellplatz, parkgebühr, parkmöglichkeit",
}
# feeling stems inside German compounds: weight -> stems
COMPOUND_FEELING: dict[float, str] = {
    2: "superfreundlich",
    1: "freundlich, sauber, gemütlich, ruhig",
    -1: "kaputt, defekt, schmutz, quietsch, quitsch",
    -2: "unfreundlich, dreckig, schmutzig, ekel",
}

# feeling words whose sense turns round for a topic: "hot" is bad for a room, good for food
# and for a shower ("the food was hot", "die Dusche war schön heiß")
FLIP_FOR_TOPIC: dict[str, dict[str, str]] = {
    "en": {
        "breakfast": "hot, warm",
        "bathroom": "hot, warm",
        "staff": "warm",
        "facilities": "warm",
    },
    "de": {"breakfast": "heiß, warm", "bathroom": "heiß, warm"},
    "fr": {"breakfast": "chaud, chaude", "bathroom": "chaud, chaude"},
    "es": {"breakfast": "caliente", "bathroom": "caliente"},
    "it": {
        "breakfast": "caldo, calda, bollente, bollenti",
        "bathroom": "caldo, calda",
        "facilities": "caldo, calda",
    },
}

# umlaut-less spellings that would collide with another word ("schon" = already)
NO_PLAIN_VARIANT = frozenset({"schoen", "schön"})

EMOJI_WEIGHT = 1.5

# words that place a topic without naming it as the thing judged ("wifi in the room" is
# about the wifi; "on arrival" is a time, not the check-in): matched and ignored
SKIP: dict[str, str] = {
    "en": "in the room, in our room, in my room, in the rooms, next room, room next door, on arrival, "
    "upon arrival, at arrival, reception, front desk, at the front desk, room above, room above "
    "us, room below, near the hotel, close to the hotel, at dinner, to the pool, for our room, "
    "for the room, let us know, flat screen, flatscreen, powder room",
    "de": "im zimmer, auf dem zimmer, aufs zimmer, in unserem zimmer, in den zimmern, bei der "
    "ankunft, bei ankunft, bei unserer ankunft, nach der ankunft, nach ankunft, nebenzimmer, rezeption, "
    "empfang, am empfang, zimmer über uns, zimmer "
    "neben uns, nachbarzimmer, beim abendessen, in der nähe des hotels, auf unser zimmer, auf "
    "das zimmer, unterm bett, unter dem bett, unters bett, unterm fenster, unter dem fenster, vor dem "
    "fenster, vorm fenster, bis ins bett, auf der straße, den kleinen, für den kleinen, für die kleine, "
    "für die kleinen, unsere kleine, unser kleiner, unseren kleinen, unserem kleinen, mit der kleinen, "
    "mit dem kleinen, mit den kleinen, gehört zum, gehört zur, gehören zum, gehört dazu, ging auf den, "
    "ging auf die, ging auf eine, ging auf einen, ging aufs, gingen auf den, gingen auf die, ging zum, "
    "ging zur",
    "fr": "un peu, dans la chambre, dans notre chambre, dans les chambres, à l'arrivée, a l'arrivee, "
    "chambre d'à côté, réception, à la réception, chambre voisine, près de l'hôtel, au dîner, "
    "avoir notre chambre, avoir la chambre, à notre "
    "arrivée, dès notre arrivée, dès l'arrivée, en arrivant, sous le lit, sous les lits, à clé, se sent, "
    "se sentait, se sentir, de suite, par la suite, suite à, tout à coup, du coup, coup d'oeil, coup de fil, "
    "près du lit, près de la fenêtre, non merci, "
    "sous la fenêtre, sous nos fenêtres, sous notre fenêtre, sous les fenêtres, "
    "s'est senti, s'est sentis, nous sommes sentis, on se sent",
    "es": "un poco, en la habitación, en nuestra habitación, en las habitaciones, al llegar, a la "
    "llegada, habitación de al lado, recepción, en recepción, cerca del hotel, en la cena, a la "
    "piscina, en la piscina, entrar a la habitación, entrar en la habitación, de todo tipo, "
    "llegamos tarde, pantalla plana, mi padre, mis padres, tu padre, su padre, sus padres, el "
    "padre, los padres, nuestro padre, nuestros padres, padre e hijo, "
    "llegué tarde, salir más tarde, salir tarde, salida tarde, fuimos andando, fuimos a pie",
    "it": "un poco, in camera, nella camera, nella stanza, in stanza, nelle camere, all'arrivo, "
    "camera accanto, reception, alla reception, camera di fianco, vicino all'hotel, vicino "
    "all'albergo, in piscina, alla piscina, avere la camera, abbiamo visto, ho visto, "
    "avete visto, hanno visto, ha visto, visto che, meno di, a meno che, più o meno, "
    "come funzionava, come funziona, come funzionavano, al nostro arrivo, al mio "
    "arrivo, dal nostro arrivo, per essere un, di nuovo",
}
