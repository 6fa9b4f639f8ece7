// Copy-from-context practice for the lab corpus (kind `json-copy`).
//
// A small model only learns to copy a span from its prompt (an "induction" pattern) when its
// training text rewards it: the value to write must be in the context and must NOT be
// guessable from training statistics. The first default model (v1) had too little of this —
// after LoRA on toolcalls-101 it wrote well-formed calls filled with values it had memorised
// (`"to": "fatima@example.com"` where the request said dara), so exact match did not move.
//
// Each document is a handful of short examples whose answers repeat values from the question:
// sentence → JSON with the values copied, questions answered by quoting the sentence, code
// lists recalled by key, and verbatim copies. Values are drawn from wide pools plus made-up
// syllable words, codes, tickers and numbers, so memorising them does not pay. No example uses
// the formats fine-tuning teaches (no tool specs, no `{"name", "arguments"}` calls, no
// `fields:/text:/json:` compact extraction prompt): `corpusViolation` still checks every document.
import type { Rng } from '../data/rng';
import { formatJson, randomDate, randomTime } from './corpus-json';
import { CITIES, COLORS, FEMALE_NAMES, MALE_NAMES, OBJECTS, SIMPLE_WORDS, SURNAMES, WEATHER } from './corpus-lexicon';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const SYLLABLES = (
  'ka lo mi ra ten vor su bel dan fi gor hal in jo ke lim mun na ol pe quin ros sa tul u vin wes ya zo bri ' +
  'cal dre el fen gal har is jen kor lan mar nel or pim rud sel tor ul vek wil xa yor zen ab ce di om'
).split(' ');
const STREET_KINDS = ['Street', 'Road', 'Way', 'Lane', 'Avenue', 'Square', 'Drive', 'Court', 'Place', 'Hill'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'CNY', 'INR', 'BRL', 'MXN', 'SEK', 'NOK', 'DKK', 'PLN', 'KRW', 'SGD', 'NZD', 'ZAR', 'TRY', 'THB', 'HKD', 'CZK', 'HUF'];
const DOMAINS = ['example.com', 'mail.example', 'post.example', 'example.org', 'inbox.example', 'school.example'];
const ROOMS = ['kitchen', 'bedroom', 'living room', 'hallway', 'office', 'bathroom', 'attic', 'garage', 'nursery', 'studio', 'basement', 'porch'];
const VERB_PHRASES = [
  'call the bank', 'water the plants', 'feed the cat', 'pay the rent', 'book a dentist', 'buy milk', 'send the invoice',
  'renew the passport', 'pick up the kids', 'return the books', 'check the oven', 'charge the phone', 'walk the dog',
  'email the landlord', 'clean the windows', 'order new glasses', 'bring the charger', 'print the tickets',
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A made-up word of 2–3 syllables ("velmora"), so its tokens cannot be guessed, only copied. */
function madeUp(r: Rng): string {
  let w = '';
  for (let i = r.int(2, 3); i > 0; i--) w += r.pick(SYLLABLES);
  return w;
}

function firstName(r: Rng): string {
  return r.chance(0.25) ? cap(madeUp(r)) : r.pick(r.chance(0.5) ? FEMALE_NAMES : MALE_NAMES);
}

function surname(r: Rng): string {
  return r.chance(0.3) ? cap(madeUp(r)) : r.pick(SURNAMES);
}

function person(r: Rng): string {
  return r.chance(0.6) ? `${firstName(r)} ${surname(r)}` : firstName(r);
}

function email(r: Rng): string {
  const first = firstName(r).toLowerCase().normalize('NFD').replace(/[^a-z]/g, '') || madeUp(r);
  const local = r.chance(0.6) ? first : r.chance(0.5) ? `${first}.${madeUp(r)}` : `${first}${r.int(1, 99)}`;
  return `${local}@${r.pick(DOMAINS)}`;
}

function city(r: Rng): string {
  return r.chance(0.7) ? r.pick(CITIES).name : cap(madeUp(r));
}

function address(r: Rng): string {
  const name = r.chance(0.4) ? cap(madeUp(r)) : r.chance(0.5) ? r.pick(SURNAMES) : cap(r.pick(COLORS));
  return `${r.int(1, 299)} ${name} ${r.pick(STREET_KINDS)}`;
}

/** Integers with a spread of digit counts (7, 42, 615, 3208). */
function integer(r: Rng, max = 9999): number {
  const digits = r.int(1, Math.min(4, String(max).length));
  return Math.min(max, r.int(digits === 1 ? 1 : 10 ** (digits - 1), 10 ** digits - 1));
}

function decimal(r: Rng): number {
  const whole = integer(r, 999);
  return r.chance(0.4) ? whole + 0.5 : Math.round((whole + r.next()) * 100) / 100;
}

function ticker(r: Rng): string {
  let s = '';
  for (let i = r.int(2, 5); i > 0; i--) s += String.fromCharCode(65 + r.int(0, 25));
  return s;
}

function code(r: Rng): string {
  return `${ticker(r).slice(0, 3)}-${r.int(100, 99999)}`;
}

function thing(r: Rng): string {
  const o = r.pick(OBJECTS).name;
  return r.chance(0.5) ? `${r.pick(COLORS)} ${o}` : r.chance(0.5) ? `${madeUp(r)} ${o}` : o;
}

/** Simple words, less the ones that name the fine-tuning formats' parts ("instruction"). */
const WORDS = SIMPLE_WORDS.filter((w) => !/instruction|tool|function|argument/i.test(w));

function title(r: Rng): string {
  const n = r.int(1, 3);
  const words = r.chance(0.3) ? [madeUp(r), ...r.sample(WORDS, n - 1)] : r.sample(WORDS, n);
  return words.join(' ');
}

interface Slot {
  /** Key alternatives for the JSON answer; one is picked per example. */
  keys: string[];
  /** What a question calls it ("the city"). */
  what: string;
  value: Json;
}

interface Scene {
  sentence: string;
  slots: Slot[];
}

/** One sentence with typed slots. The sentence states every slot value verbatim. */
function scene(r: Rng): Scene {
  const s = (keys: string, what: string, value: Json): Slot => ({ keys: keys.split(','), what, value });
  switch (r.int(0, 13)) {
    case 0: {
      const [p, a, b, d] = [person(r), city(r), city(r), randomDate(r, 2015, 2029)];
      return {
        sentence: r.pick([`${p} travels from ${a} to ${b} on ${d}.`, `On ${d}, ${p} goes from ${a} to ${b}.`, `Trip for ${p}: ${a} to ${b}, leaving ${d}.`]),
        slots: [s('traveller,person,passenger', 'the traveller', p), s('from,origin,departure', 'the starting city', a), s('to,destination,arrival', 'the destination', b), s('date,day,when', 'the date', d)],
      };
    }
    case 1: {
      const [e, t] = [email(r), title(r)];
      return {
        sentence: r.pick([`Send a note to ${e} about ${t}.`, `Write to ${e} regarding ${t}.`, `A message for ${e}, subject: ${t}.`]),
        slots: [s('recipient,to,address', 'the email address', e), s('subject,topic,about', 'the subject', t)],
      };
    }
    case 2: {
      const [t, d, h, e] = [title(r), randomDate(r, 2015, 2029), randomTime(r), email(r)];
      return {
        sentence: r.pick([`The ${t} meeting is on ${d} at ${h} with ${e}.`, `Meet ${e} for ${t} on ${d}, ${h}.`, `${cap(t)}: ${d} at ${h}, guest ${e}.`]),
        slots: [s('title,event,meeting', 'the meeting', t), s('date,day', 'the date', d), s('time,start,at', 'the time', h), s('guest,with,attendee', 'the guest', e)],
      };
    }
    case 3: {
      const [p, x, c, t] = [person(r), decimal(r), r.pick(CURRENCIES), thing(r)];
      return {
        sentence: r.pick([`${p} paid ${x} ${c} for a ${t}.`, `A ${t} cost ${p} ${x} ${c}.`, `Receipt: ${t}, ${x} ${c}, paid by ${p}.`]),
        slots: [s('buyer,payer,customer', 'the buyer', p), s('amount,price,paid', 'the amount', x), s('currency,unit', 'the currency', c), s('item,product,what', 'the item', t)],
      };
    }
    case 4: {
      const [a, b] = [address(r), address(r)];
      return {
        sentence: r.pick([`Walk from ${a} to ${b}.`, `The route goes from ${a} to ${b}.`, `Pick me up at ${a} and drop me at ${b}.`]),
        slots: [s('start,from,origin', 'the start', a), s('end,to,destination', 'the end', b)],
      };
    }
    case 5: {
      const [t, x, d] = [ticker(r), decimal(r), randomDate(r, 2015, 2029)];
      return {
        sentence: r.pick([`${t} closed at ${x} on ${d}.`, `On ${d} the share price of ${t} was ${x}.`]),
        slots: [s('symbol,ticker,stock', 'the symbol', t), s('price,close,value', 'the price', x), s('date,day', 'the date', d)],
      };
    }
    case 6: {
      const [c, n, w] = [city(r), r.int(-15, 42), r.pick(WEATHER)];
      return {
        sentence: r.pick([`In ${c} it is ${n} degrees and ${w}.`, `${c}: ${w}, ${n} degrees.`]),
        slots: [s('city,place,location', 'the city', c), s('degrees,temperature,temp', 'the temperature', n), s('sky,weather,condition', 'the weather', w)],
      };
    }
    case 7: {
      const [n, t, a] = [integer(r, 60), thing(r), address(r)];
      return {
        sentence: r.pick([`Order ${n} of the ${t} for delivery to ${a}.`, `Deliver ${n} x ${t} to ${a}.`]),
        slots: [s('count,quantity,number', 'the quantity', n), s('item,product,goods', 'the item', t), s('address,deliver_to,street', 'the address', a)],
      };
    }
    case 8: {
      const [h, d, v] = [randomTime(r), randomDate(r, 2015, 2029), r.pick(VERB_PHRASES)];
      return {
        sentence: r.pick([`At ${h} on ${d}, remember to ${v}.`, `Note to self: ${v} on ${d} at ${h}.`]),
        slots: [s('time,at,hour', 'the time', h), s('date,day,on', 'the date', d), s('task,todo,note', 'the task', v)],
      };
    }
    case 9: {
      const [song, artist] = [title(r), person(r)];
      return {
        sentence: r.pick([`Play ${song} by ${artist}.`, `Put on ${artist}, the song ${song}.`]),
        slots: [s('song,track,title', 'the song', song), s('artist,singer,by', 'the artist', artist)],
      };
    }
    case 10: {
      const [room, t] = [r.pick(ROOMS), r.int(10, 30) + (r.chance(0.3) ? 0.5 : 0)];
      return {
        sentence: r.pick([`Set the ${room} to ${t} degrees.`, `Make the ${room} ${t} degrees warm.`]),
        slots: [s('room,area,zone', 'the room', room), s('temperature,target,degrees', 'the temperature', t)],
      };
    }
    case 11: {
      const [n, place, d, h] = [r.int(1, 12), cap(madeUp(r)), randomDate(r, 2015, 2029), randomTime(r)];
      return {
        sentence: r.pick([`A table for ${n} at ${place} on ${d} at ${h}.`, `Book ${place} for ${n} people, ${d}, ${h}.`]),
        slots: [s('guests,party,people', 'the number of people', n), s('restaurant,venue,place', 'the restaurant', place), s('date,day', 'the date', d), s('time,at', 'the time', h)],
      };
    }
    case 12: {
      const [p, c, k] = [person(r), code(r), city(r)];
      return {
        sentence: r.pick([`Parcel ${c} for ${p} is waiting in ${k}.`, `${p} can collect parcel ${c} in ${k}.`]),
        slots: [s('tracking,parcel,code', 'the parcel code', c), s('owner,for,recipient', 'the owner', p), s('city,depot,where', 'the city', k)],
      };
    }
    default: {
      const [x, a, b] = [decimal(r), r.pick(CURRENCIES), r.pick(CURRENCIES)];
      return {
        sentence: r.pick([`Change ${x} ${a} into ${b}.`, `How much is ${x} ${a} in ${b}?`, `${x} ${a} to ${b}, please.`]),
        slots: [s('amount,sum,value', 'the amount', x), s('from,source,have', 'the currency you have', a), s('to,target,want', 'the currency you want', b)],
      };
    }
  }
}

/** The scene's values as JSON, one key alternative per slot, in the sentence's order or shuffled. */
function sceneJson(r: Rng, sc: Scene, snake: boolean): { keys: string[]; json: string } {
  const slots = r.chance(0.3) ? r.shuffle(sc.slots) : sc.slots;
  const keys = slots.map((x) => r.pick(x.keys));
  const obj: { [k: string]: Json } = {};
  slots.forEach((x, i) => (obj[snake ? keys[i]! : keys[i]!.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = x.value));
  return { keys: Object.keys(obj), json: formatJson(obj, r.chance(0.5) ? 'compact' : 'spaced') };
}

function sentenceToJson(r: Rng): string {
  const sc = scene(r);
  const { keys, json } = sceneJson(r, sc, r.chance(0.8));
  switch (r.int(0, 4)) {
    case 0:
      return `Sentence: ${sc.sentence}\nAs JSON: ${json}`;
    case 1:
      return `Keys: ${keys.join(', ')}\nFrom: ${sc.sentence}\nValues: ${json}`;
    case 2:
      return `<|im_start|>user\nPut the details of this sentence in JSON: ${sc.sentence}<|im_end|>\n<|im_start|>assistant\n${json}<|im_end|>`;
    case 3:
      return `Q: Which details does "${sc.sentence}" give? Answer in JSON with keys ${keys.join(', ')}.\nA: ${json}`;
    default:
      return `${sc.sentence}\n=> ${json}`;
  }
}

function quoteBack(r: Rng): string {
  const sc = scene(r);
  const slot = r.pick(sc.slots);
  const v = typeof slot.value === 'string' ? slot.value : JSON.stringify(slot.value);
  return r.chance(0.5)
    ? `${sc.sentence}\nQuestion: What is ${slot.what}?\nAnswer: ${v}`
    : `<|im_start|>user\n${sc.sentence} What is ${slot.what}?<|im_end|>\n<|im_start|>assistant\n${v}<|im_end|>`;
}

function recallCodes(r: Rng): string {
  const n = r.int(2, 5);
  const owners = Array.from({ length: n }, () => firstName(r));
  const [kind, make] = r.pick<[string, (q: Rng) => string]>([
    ['code', code],
    ['number', (q) => String(q.int(100, 99999))],
    ['locker', (q) => String(q.int(1, 999))],
    ['email', email],
    ['street', address],
    ['home town', city],
  ]);
  const values = owners.map(() => make(r));
  const i = r.int(0, n - 1);
  const list = owners.map((o, j) => `${o}: ${values[j]}`).join(r.chance(0.5) ? '\n' : '; ');
  return `List of each person's ${kind}:\n${list}\nWhat is ${owners[i]}'s ${kind}? ${values[i]}`;
}

function verbatim(r: Rng): string {
  const n = r.int(2, 5);
  const parts = Array.from({ length: n }, () => r.pick([madeUp, email, ticker, code, address, (q: Rng) => String(decimal(q)), (q: Rng) => randomDate(q, 2015, 2029)])(r));
  const line = parts.join(' ');
  return r.chance(0.5) ? `Copy exactly: ${line}\nCopy: ${line}` : `Repeat after me: "${line}"\n"${line}"`;
}

/** A document of 3–7 copy examples, always including at least one sentence → JSON. */
export function copyDoc(r: Rng): string {
  const n = r.int(3, 7);
  const out = [sentenceToJson(r)];
  for (let i = 1; i < n; i++) {
    const k = r.next();
    out.push(k < 0.35 ? sentenceToJson(r) : k < 0.55 ? quoteBack(r) : k < 0.75 ? recallCodes(r) : verbatim(r));
  }
  return r.shuffle(out).join('\n\n');
}
