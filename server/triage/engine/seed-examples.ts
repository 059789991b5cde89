import type { TrainingExample } from './types.js';

/**
 * What the model knows before any agent has corrected anything: messages of the kind a retail and
 * restaurant membership desk receives, written for this project (not taken from the evaluation
 * data, so the eval stays honest). Mostly Simplified Chinese and English, a few in Traditional.
 * Each category has complaints, questions and suggestions, so the type classifier does not learn
 * that a category implies a type.
 */
export const SEED_EXAMPLES: readonly TrainingExample[] = [
  // product_quality
  { text: '昨天在你们店买的酸奶，打开发现已经胀袋了，喝了一口味道是酸臭的，这种东西怎么还能卖？', type: 'complaint', category: 'product_quality' },
  { text: '外卖的宫保鸡丁里吃出一根头发，太恶心了，要求给个说法', type: 'complaint', category: 'product_quality' },
  { text: '新买的保温杯用了两天就漏水，质量也太差了吧', type: 'complaint', category: 'product_quality' },
  { text: '牛排端上来是冷的，而且明显没熟，里面还是生的', type: 'complaint', category: 'product_quality' },
  { text: '面包买回家第二天就发霉了，保质期明明还有五天', type: 'complaint', category: 'product_quality' },
  { text: '請問你們的月餅禮盒有沒有不含堅果的款式？家裡小朋友對花生過敏', type: 'enquiry', category: 'product_quality' },
  { text: '想问一下这款奶粉的生产日期和保质期是多久？', type: 'enquiry', category: 'product_quality' },
  { text: '建议菜单上标注一下辣度和过敏原，点菜的时候方便很多', type: 'suggestion', category: 'product_quality' },
  { text: 'The salad I bought this morning had a slug in it. Absolutely disgusting, I want to know how this happened.', type: 'complaint', category: 'product_quality' },
  { text: 'The blender stopped working after one week, the motor just smells burnt. Poor quality.', type: 'complaint', category: 'product_quality' },
  { text: 'Is the chocolate cake gluten free? My daughter has coeliac disease.', type: 'enquiry', category: 'product_quality' },
  { text: 'It would be great if you offered smaller portions of the pasta dishes for kids.', type: 'suggestion', category: 'product_quality' },
  { text: 'The coffee beans I bought smell stale even though the bag says they were roasted last week.', type: 'complaint', category: 'product_quality' },
  { text: 'Does the vegan burger contain soy? I need to avoid it.', type: 'enquiry', category: 'product_quality' },

  // service_quality
  { text: '今天中午在万达店吃饭，服务员态度非常差，叫了三次都没人理，最后还甩脸色', type: 'complaint', category: 'service_quality' },
  { text: '打你们客服电话排队四十分钟，接通后说不归他们管直接挂了，这就是你们的服务？', type: 'complaint', category: 'service_quality' },
  { text: '收银员结账的时候一直在玩手机，还算错了找零，请你们管管员工', type: 'complaint', category: 'service_quality' },
  { text: '門市店員說話很不客氣，問個問題就不耐煩，體驗很差', type: 'complaint', category: 'service_quality' },
  { text: '上周在静安店过生日，店员主动送了蛋糕还唱了生日歌，特别感动，想表扬一下那位姓王的服务员', type: 'suggestion', category: 'service_quality' },
  { text: '建议高峰期多安排几个收银员，每次排队结账都要等二十分钟', type: 'suggestion', category: 'service_quality' },
  { text: '请问你们门店的服务时间是几点到几点？周末人工客服在线吗？', type: 'enquiry', category: 'service_quality' },
  { text: 'The waiter was rude to my elderly mother and ignored us for half an hour. Very disappointed.', type: 'complaint', category: 'service_quality' },
  { text: 'I was promised a call back from your support team three times and nobody ever called.', type: 'complaint', category: 'service_quality' },
  { text: 'Just wanted to say the staff at the Riverside store were wonderful, please pass on my thanks.', type: 'suggestion', category: 'service_quality' },
  { text: 'How can I leave feedback about the service I received at your downtown restaurant?', type: 'enquiry', category: 'service_quality' },
  { text: 'The manager at the mall branch shouted at my son in front of other customers.', type: 'complaint', category: 'service_quality' },
  { text: 'Can I speak to a supervisor about the way I was treated on the phone yesterday?', type: 'enquiry', category: 'service_quality' },

  // transaction_dispute
  { text: '我上周五退的货到现在还没退款，客服一直说在处理，到底什么时候能退？', type: 'complaint', category: 'transaction_dispute' },
  { text: '同一笔订单被扣了两次钱，银行卡显示两笔298元，麻烦尽快退回多扣的那笔', type: 'complaint', category: 'transaction_dispute' },
  { text: '结账的时候优惠券没有抵扣，多付了50块，要求退还差价', type: 'complaint', category: 'transaction_dispute' },
  { text: '我要求退款，已經等了兩個星期，你們一直拖著不處理', type: 'complaint', category: 'transaction_dispute' },
  { text: '请问线上买的东西可以到门店退换吗？需要带什么凭证？', type: 'enquiry', category: 'transaction_dispute' },
  { text: '怎么开电子发票？公司报销需要抬头和税号', type: 'enquiry', category: 'transaction_dispute' },
  { text: '建议支持花呗分期付款，大件商品一次付清压力有点大', type: 'suggestion', category: 'transaction_dispute' },
  { text: 'I was charged twice for the same order, please refund the duplicate payment.', type: 'complaint', category: 'transaction_dispute' },
  { text: 'I returned the jacket two weeks ago and still have not received my money back.', type: 'complaint', category: 'transaction_dispute' },
  { text: 'Can I cancel my order and get a refund if it has not shipped yet?', type: 'enquiry', category: 'transaction_dispute' },
  { text: 'How do I get a VAT invoice for my purchase last month?', type: 'enquiry', category: 'transaction_dispute' },
  { text: 'You should accept Apple Pay at the self checkout, it would make paying much faster.', type: 'suggestion', category: 'transaction_dispute' },
  { text: 'The shelf price was 4.99 but I was charged 6.49 at the till.', type: 'complaint', category: 'transaction_dispute' },
  { text: 'What is your return policy for items bought in the sale?', type: 'enquiry', category: 'transaction_dispute' },

  // delivery_logistics
  { text: '订单显示已签收，但我根本没收到快递，家里也没人签过', type: 'complaint', category: 'delivery_logistics' },
  { text: '外卖送了一个半小时才到，汤全洒了，饭也凉了', type: 'complaint', category: 'delivery_logistics' },
  { text: '物流信息三天没更新了，一直停在中转站，到底发没发货？', type: 'complaint', category: 'delivery_logistics' },
  { text: '快遞送到了錯的地址，包裹到現在還找不到', type: 'complaint', category: 'delivery_logistics' },
  { text: '请问下单后一般几天能送到？偏远地区包邮吗？', type: 'enquiry', category: 'delivery_logistics' },
  { text: '下单的时候地址填错了，还能改收货地址吗？', type: 'enquiry', category: 'delivery_logistics' },
  { text: '希望能增加指定时间段配送，上班时间家里没人收货', type: 'suggestion', category: 'delivery_logistics' },
  { text: 'My parcel says delivered but it is not here, I have checked with all my neighbours.', type: 'complaint', category: 'delivery_logistics' },
  { text: 'The courier left the box in the rain and everything inside was soaked.', type: 'complaint', category: 'delivery_logistics' },
  { text: 'Where can I track my order? I have not received a tracking number.', type: 'enquiry', category: 'delivery_logistics' },
  { text: 'Do you deliver to Pudong on weekends, and how much is the shipping fee?', type: 'enquiry', category: 'delivery_logistics' },
  { text: 'Could you add an option to leave parcels at the front desk of my building?', type: 'suggestion', category: 'delivery_logistics' },
  { text: 'My food order arrived an hour late and half of it was missing.', type: 'complaint', category: 'delivery_logistics' },
  { text: 'Can I change the delivery time slot for tomorrow?', type: 'enquiry', category: 'delivery_logistics' },

  // account_login
  { text: '手机号换了，收不到验证码，账号登录不上去，里面还有好多积分怎么办', type: 'enquiry', category: 'account_login' },
  { text: 'APP一直提示密码错误，重置密码的短信也收不到，折腾了一个小时', type: 'complaint', category: 'account_login' },
  { text: '我的账号被别人登录了，还改了绑定手机，请马上帮我冻结', type: 'complaint', category: 'account_login' },
  { text: '帳號被鎖住了，登入好幾次都失敗，要怎麼解鎖？', type: 'enquiry', category: 'account_login' },
  { text: '怎么注销会员账号？我不想再用了', type: 'enquiry', category: 'account_login' },
  { text: '能不能把两个账号合并成一个？之前用邮箱注册了一个，后来又用手机号注册了一个', type: 'enquiry', category: 'account_login' },
  { text: '建议增加微信一键登录，每次输验证码太麻烦了', type: 'suggestion', category: 'account_login' },
  { text: 'I forgot my password and the reset link in the email has already expired.', type: 'enquiry', category: 'account_login' },
  { text: 'I cannot log in to the app, it keeps saying my account does not exist even though I registered last year.', type: 'complaint', category: 'account_login' },
  { text: 'How do I change the email address on my account?', type: 'enquiry', category: 'account_login' },
  { text: 'Please add fingerprint login to the app, typing the password every time is annoying.', type: 'suggestion', category: 'account_login' },
  { text: 'I never get the verification code when I try to sign in.', type: 'complaint', category: 'account_login' },
  { text: 'Can I register with WeChat instead of a phone number?', type: 'enquiry', category: 'account_login' },

  // points_membership
  { text: '上个月消费的积分到现在还没到账，订单号都发给你们了', type: 'complaint', category: 'points_membership' },
  { text: '我的积分莫名其妙少了两千分，也没有兑换过任何东西', type: 'complaint', category: 'points_membership' },
  { text: '请问积分可以兑换哪些礼品？积分有效期是多久？', type: 'enquiry', category: 'points_membership' },
  { text: '消费满多少可以升级成钻石会员？金卡会员有什么权益？', type: 'enquiry', category: 'points_membership' },
  { text: '生日当月的会员优惠券在哪里领？我在APP里没找到', type: 'enquiry', category: 'points_membership' },
  { text: '會員積分快過期了，可以延期嗎？', type: 'enquiry', category: 'points_membership' },
  { text: '建议积分可以抵扣现金，现在能换的礼品太少了', type: 'suggestion', category: 'points_membership' },
  { text: 'My loyalty points from last week\'s purchase have not shown up on my account.', type: 'complaint', category: 'points_membership' },
  { text: 'I was downgraded from gold to silver without any notice, that is not fair.', type: 'complaint', category: 'points_membership' },
  { text: 'How many points do I need for a free coffee, and do points expire?', type: 'enquiry', category: 'points_membership' },
  { text: 'It would be nice if members could share points with family members.', type: 'suggestion', category: 'points_membership' },
  { text: 'My diamond status disappeared after I changed my phone number.', type: 'complaint', category: 'points_membership' },
  { text: 'Can I use my points to pay for part of my bill?', type: 'enquiry', category: 'points_membership' },

  // other
  { text: '请问你们周末几点开门？春节期间营业吗？', type: 'enquiry', category: 'other' },
  { text: '想咨询一下你们门店可以包场办公司年会吗？大概五十个人', type: 'enquiry', category: 'other' },
  { text: '商场停车可以用你们的消费小票抵扣停车费吗？', type: 'enquiry', category: 'other' },
  { text: '你们还招兼职吗？周末可以上班', type: 'enquiry', category: 'other' },
  { text: '請問你們在台北有門市嗎？', type: 'enquiry', category: 'other' },
  { text: '建议在商场B1也开一家店，现在要走好远', type: 'suggestion', category: 'other' },
  { text: '门口一直在施工，噪音太大了，吃饭都没法聊天', type: 'complaint', category: 'other' },
  { text: 'What are your opening hours on public holidays?', type: 'enquiry', category: 'other' },
  { text: 'Do you have a branch near the airport?', type: 'enquiry', category: 'other' },
  { text: 'Are dogs allowed on your terrace?', type: 'enquiry', category: 'other' },
  { text: 'Is there parking near your Xujiahui store?', type: 'enquiry', category: 'other' },
  { text: 'I would like to talk to someone about a corporate partnership.', type: 'enquiry', category: 'other' },
  { text: 'You should open a store in the north of the city, the nearest one is forty minutes away.', type: 'suggestion', category: 'other' },
];
