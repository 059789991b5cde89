/**
 * The sentiment lexicon: what members write to a retail or restaurant desk, in Chinese (either
 * script: entries pass through normalizeText, so 態度差 and 态度差 are one entry) and English.
 * Weights run from −3 (abuse, fraud, disgust: a member who writes them is angry whatever else they
 * say) to +3. Thanks weigh little: in a complaint they are a formula, not a feeling. Single words carry most of it; phrases are listed where the phrase means something
 * its words do not (不错 is praise, 不好意思 is politeness, "no problem" is not a problem).
 */

/** [word or phrase, weight −3..3] */
export const SENTIMENT_WORDS: ReadonlyArray<readonly [string, number]> = [
  // zh: abuse, fraud, disgust: the complaint words
  ['垃圾', -3], ['骗子', -3], ['骗人', -3], ['欺骗', -3], ['诈骗', -3], ['坑人', -3], ['黑心', -3], ['奸商', -3],
  ['差评', -3], ['恶心', -3], ['恶劣', -3], ['可恶', -3], ['气死', -3], ['气愤', -3], ['愤怒', -3], ['受骗', -3],
  ['假货', -3], ['以次充好', -3], ['缺斤少两', -3], ['短斤缺两', -3], ['霸王条款', -3], ['乱收费', -3], ['辱骂', -3],
  ['脏乱差', -3], ['糟透', -3], ['投诉无门', -3], ['太过分', -3],
  ['投诉', -2], ['糟糕', -2], ['失望', -2], ['生气', -2], ['火大', -2], ['无语', -2], ['坑', -2], ['忽悠', -2],
  ['敷衍', -2], ['推卸', -2], ['推脱', -2], ['踢皮球', -2], ['态度差', -2.5], ['态度恶劣', -3], ['不满', -2],
  ['不满意', -2], ['不爽', -2], ['难吃', -2], ['难喝', -2], ['难用', -2], ['变质', -2], ['发霉', -2.5], ['馊', -2],
  ['脏', -2], ['劣质', -2.5], ['差劲', -2.5], ['低劣', -2], ['冒牌', -2.5], ['上当', -2.5], ['离谱', -2], ['过分', -2],
  ['崩溃', -2], ['无法接受', -2.5], ['不能接受', -2.5], ['拉黑', -2], ['再也不', -2.5], ['不会再来', -2.5],
  ['不值', -2], ['不值得', -2], ['后悔', -2], ['心寒', -2.5], ['寒心', -2.5], ['冷漠', -2], ['傲慢', -2.5],
  ['不靠谱', -2], ['不理人', -2], ['没人理', -2], ['没人管', -2], ['石沉大海', -2], ['失职', -2], ['欺负', -2.5],
  ['乱扣', -2.5], ['异物', -2], ['虫子', -2], ['蟑螂', -2.5], ['老鼠', -2.5], ['拉肚子', -2], ['腹泻', -2],
  ['差', -1.5], ['郁闷', -1.5], ['烦人', -1.5], ['过期', -1.5], ['臭', -1.5], ['破损', -1.5], ['损坏', -1.5],
  ['坏了', -1.5], ['拖延', -1.5], ['迟迟', -1.5], ['一直没', -1.5], ['吐槽', -1.5], ['凶', -1.5], ['吼', -1.5],
  ['不理', -1.5], ['多扣', -1.5], ['扣错', -1.5], ['送错', -1.5], ['发错', -1.5], ['漏送', -1.5], ['少给', -1.5],
  ['吵闹', -1.5], ['伤心', -1.5], ['难过', -1.5], ['委屈', -1.5], ['无奈', -1.5], ['浪费', -1.5], ['骂', -2],
  ['烦', -1], ['坏', -1], ['故障', -1], ['错误', -1], ['慢', -1], ['拖', -1], ['贵', -1], ['难看', -1], ['凉了', -1],
  ['吵', -1], ['嘈杂', -1], ['拥挤', -1], ['久等', -1], ['遗憾', -1], ['担心', -1], ['着急', -1], ['焦虑', -1],
  ['害怕', -1], ['不行', -1], ['不好', -1.5], ['好久', -0.5], ['咸', -0.5], ['油腻', -1], ['一般', -0.5], ['失败', -1.5],
  // zh: praise
  ['完美', 2.5], ['物美价廉', 2.5], ['强烈推荐', 2.5], ['赞', 2], ['点赞', 2], ['好评', 2], ['满意', 2], ['好吃', 2],
  ['美味', 2], ['好喝', 2], ['热情', 2], ['耐心', 2], ['周到', 2], ['贴心', 2], ['棒', 2], ['优秀', 2], ['惊喜', 2],
  ['开心', 2], ['高兴', 2], ['愉快', 2], ['良心', 2], ['性价比高', 2], ['超值', 2], ['一流', 2], ['给力', 2],
  ['还会再来', 2], ['会再来', 2], ['喜欢', 1.5], ['不错', 1.5], ['推荐', 1.5], ['值得', 1.5], ['划算', 1.5],
  ['实惠', 1.5], ['新鲜', 1.5], ['干净', 1.5], ['整洁', 1.5], ['舒服', 1.5], ['舒适', 1.5], ['及时', 1.5],
  ['迅速', 1.5], ['高效', 1.5], ['专业', 1.5], ['友好', 1.5], ['礼貌', 1.5], ['细心', 1.5], ['用心', 1.5],
  ['到位', 1.5], ['感谢', 1.5], ['放心', 1.5], ['靠谱', 1.5], ['好用', 1.5], ['精致', 1.5], ['正宗', 1.5],
  ['地道', 1.5], ['入味', 1.5], ['可口', 1.5], ['漂亮', 1.5], ['温馨', 1.5], ['必点', 1.5], ['回头客', 1.5],
  ['下次再来', 1.5], ['好感', 1.5], ['好', 1], ['谢谢', 0.5], ['多谢', 0.5], ['辛苦了', 1], ['方便', 1], ['便宜', 1],
  ['好看', 1], ['安静', 1], ['宽敞', 1], ['优惠', 1], ['常来', 1], ['爱', 1], ['没问题', 0.5], ['还行', 0.5],
  ['还可以', 0.5], ['挺好', 1.5], ['很棒', 2.5], ['喜爱', 1.5], ['鲜美', 2], ['太好了', 2.5], ['香', 1], ['酥脆', 1.5], ['嫩', 1],
  // en: abuse, fraud, disgust
  ['terrible', -3], ['horrible', -3], ['awful', -3], ['worst', -3], ['scam', -3], ['scammed', -3], ['disgusting', -3],
  ['disgusted', -3], ['fraud', -3], ['rip off', -3], ['ripoff', -3], ['rip-off', -3], ['furious', -3], ['cheated', -3],
  ['liar', -3], ['waste of money', -3], ['never again', -2.5], ['useless', -2.5], ['pathetic', -2.5],
  ['unacceptable', -2.5], ['outrageous', -2.5], ['angry', -2.5], ['rude', -2.5], ['hate', -2.5], ['lied', -2.5],
  ['incompetent', -2.5], ['unprofessional', -2.5], ['nightmare', -2.5], ['sucks', -2.5], ['crap', -2.5],
  ['shit', -2.5], ['worthless', -2.5], ['rotten', -2.5], ['mouldy', -2.5], ['moldy', -2.5], ['shameful', -2.5],
  ['fucking', -2], ['disappointed', -2], ['disappointing', -2], ['disappointment', -2], ['annoyed', -2],
  ['annoying', -2], ['frustrated', -2], ['frustrating', -2], ['upset', -2], ['dirty', -2], ['hated', -2.5],
  ['ridiculous', -2], ['overcharged', -2], ['waste', -2], ['spoiled', -2], ['sick', -2], ['unhappy', -2],
  ['dissatisfied', -2], ['unsatisfied', -2], ['worse', -2], ['shame', -2], ['unfair', -2], ['ignored', -2],
  ['unresponsive', -2], ['complaint', -1.5], ['complain', -1.5], ['bad', -1.5], ['poor', -1.5], ['broken', -1.5],
  ['damaged', -1.5], ['fail', -1.5], ['failed', -1.5], ['failure', -1.5], ['mess', -1.5], ['damn', -1.5],
  ['stale', -1.5], ['expired', -1.5], ['ill', -1.5], ['delayed', -1.5], ['slow', -1], ['late', -1], ['wrong', -1],
  ['delay', -1], ['missing', -1], ['lost', -1], ['cold', -0.5], ['expensive', -1], ['greasy', -1],
  // en: praise
  ['excellent', 2.5], ['amazing', 2.5], ['awesome', 2.5], ['fantastic', 2.5], ['wonderful', 2.5], ['perfect', 2.5],
  ['delighted', 2.5], ['delicious', 2.5], ['superb', 2.5], ['brilliant', 2.5], ['outstanding', 2.5], ['great', 2],
  ['love', 2], ['loved', 2], ['happy', 2], ['pleased', 2], ['satisfied', 2], ['helpful', 2], ['friendly', 2],
  ['tasty', 2], ['best', 2], ['well done', 2], ['impressive', 2], ['impressed', 2], ['good', 1.5], ['nice', 1.5],
  ['polite', 1.5], ['prompt', 1.5], ['efficient', 1.5], ['clean', 1.5], ['fresh', 1.5], ['recommend', 1.5],
  ['glad', 1.5], ['enjoy', 1.5], ['enjoyed', 1.5], ['reliable', 1.5], ['appreciate', 1.5], ['lovely', 2],
  ['thank you', 0.5], ['thanks', 0.5], ['thank', 0.5], ['quick', 1], ['fast', 1], ['smooth', 1], ['easy', 1],
  ['fine', 0.5], ['ok', 0.5], ['okay', 0.5], ['no problem', 0.5],
];

/** Phrases that contain a sentiment word but carry no sentiment: matched first, so they hide it. */
export const NEUTRAL_PHRASES: readonly string[] = [
  '不好意思', '好像', '好多', '好几', '只好', '最好', '好不容易', '刚好', '正好', '好友', '要好', '好处', '还好', '好的',
  '好了', '您好', '你好', '麻烦你', '麻烦您', '麻烦帮', '麻烦尽快', '爱心', '差不多', '差价', '差额', '相差', '出差',
  '问好', '好奇', '坏账', '不错过', '推荐码', '坑位', '投诉电话', '是否值得', '赞助', '差点',
  '香港', '香菜', 'good morning', 'good afternoon', 'good evening', 'good day', 'best regards',
  'kind regards', 'fine print', 'late fee', 'late fees', 'lost and found',
];

/** Words that flip the next sentiment word within a short window (不好, 没有不满, not good, never happy). */
export const NEGATORS: readonly string[] = [
  '不', '没', '没有', '无', '未', '别', '毫无', '并不', '从不', '绝不', '一点也不', '一点都不', '不是', '不太', '不怎么',
  '不够', '并没有', '从来没有', '从没', '不算',
  'not', 'no', 'never', 'cannot', 'nothing', 'nobody', 'none', 'neither', 'nor', 'hardly', 'barely', 'without',
  "don't", 'dont', "didn't", 'didnt', "doesn't", 'doesnt', "isn't", 'isnt', "wasn't", 'wasnt', "aren't", 'arent',
  "weren't", "can't", 'cant', "couldn't", 'couldnt', "won't", 'wont', "wouldn't", 'wouldnt', "haven't", 'havent',
  "hasn't", 'hasnt', "hadn't", "shouldn't", 'ain\'t',
];

/** [word, multiplier] applied to the next sentiment word within the window (非常满意, 太差, extremely rude). */
export const INTENSIFIERS: ReadonlyArray<readonly [string, number]> = [
  ['非常', 1.5], ['特别', 1.5], ['太', 1.5], ['很', 1.3], ['超', 1.5], ['超级', 1.6], ['极', 1.6], ['极其', 1.7],
  ['十分', 1.5], ['相当', 1.4], ['真', 1.3], ['真的', 1.3], ['实在', 1.3], ['巨', 1.5], ['贼', 1.4], ['最', 1.5],
  ['更', 1.2], ['越来越', 1.3], ['完全', 1.4], ['简直', 1.5], ['根本', 1.3], ['无比', 1.6], ['极度', 1.7], ['严重', 1.5],
  ['very', 1.5], ['extremely', 1.8], ['really', 1.4], ['so', 1.3], ['too', 1.3], ['totally', 1.5], ['absolutely', 1.6],
  ['incredibly', 1.7], ['super', 1.5], ['completely', 1.5], ['utterly', 1.7], ['highly', 1.5], ['most', 1.3],
  ['quite', 1.2], ['truly', 1.4], ['seriously', 1.4], ['such', 1.3], ['extraordinarily', 1.8],
];
